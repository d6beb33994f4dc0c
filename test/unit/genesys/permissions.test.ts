import {
  CLOSER_PERMISSIONS,
  GENESYS_OPERATIONS,
  buildPath,
  explainForbidden,
  missingPermissionsFrom,
  requiredPermissionsFor,
  type RequiredPermissions,
} from '../../../src/genesys';

describe('operation permissions', () => {
  it('lists the FACTS permissions for the disconnects', () => {
    expect(requiredPermissionsFor('disconnectMessageConversation')).toEqual({
      any: ['conversation:communication:disconnect', 'conversation:message:park'],
    });
    expect(requiredPermissionsFor('disconnectMessageParticipant')).toEqual({
      any: [
        'conversation:participant:wrapup',
        'conversation:call:record',
        'conversation:communication:disconnect',
      ],
    });
    expect(requiredPermissionsFor('unknownOperation')).toEqual({ all: [] });
  });

  it('CLOSER_PERMISSIONS satisfies every operation', () => {
    for (const [name, spec] of Object.entries(GENESYS_OPERATIONS)) {
      const required: RequiredPermissions = spec.permissions;
      const ok =
        'any' in required
          ? required.any.length === 0 || required.any.some((p) => CLOSER_PERMISSIONS.includes(p))
          : required.all.every((p) => CLOSER_PERMISSIONS.includes(p));
      expect({ name, ok }).toEqual({ name, ok: true });
    }
  });

  it('never uses the invented webmessaging conversation path', () => {
    for (const spec of Object.values(GENESYS_OPERATIONS)) {
      expect(spec.path).not.toContain('/conversations/webmessaging');
    }
  });

  it('builds paths with encoded parameters', () => {
    expect(
      buildPath('/api/v2/conversations/{conversationId}/participants/{participantId}', {
        conversationId: 'a b',
        participantId: 'p/1',
      }),
    ).toBe('/api/v2/conversations/a%20b/participants/p%2F1');
    expect(() => buildPath('/x/{id}', {})).toThrow('Missing path parameter id');
    // A lone surrogate cannot be URL-encoded: a typed 400-class error, not a URIError (a 500).
    expect(() => buildPath('/x/{id}', { id: '\ud800' })).toThrow(
      expect.objectContaining({ code: 'GENESYS_INVALID_INPUT' }) as Error,
    );
  });
});

describe('missingPermissionsFrom', () => {
  it('reads messageParams and the message text', () => {
    expect(
      missingPermissionsFrom({
        message:
          'You are missing the following permission(s): [conversation:communication:disconnect]',
        messageParams: {
          permissions: 'conversation:communication:disconnect, conversation:message:park',
        },
      }),
    ).toEqual(['conversation:communication:disconnect', 'conversation:message:park']);
    expect(missingPermissionsFrom({ message: 'Not authorized' })).toEqual([]);
  });
});

describe('explainForbidden', () => {
  it('names the missing permission, what the operation needs, and the role fix', () => {
    const explained = explainForbidden({
      operation: 'disconnectMessageConversation',
      clientId: 'my-client',
      errorBody: {
        code: 'missing.any.permissions',
        message:
          'You must have at least one of the following permissions assigned: conversation:communication:disconnect, conversation:message:park',
      },
    });
    expect(explained.missingPermissions).toEqual([
      'conversation:communication:disconnect',
      'conversation:message:park',
    ]);
    expect(explained.message).toContain('disconnectMessageConversation');
    expect(explained.message).toContain(
      'one of conversation:communication:disconnect, conversation:message:park',
    );
    expect(explained.fix).toContain(
      'add a role holding one of these permissions to OAuth client my-client',
    );
    expect(explained.fix).toContain('OAuth scopes do not apply to client-credentials tokens');
  });

  it('falls back to the documented permissions when Genesys names none', () => {
    const explained = explainForbidden({
      operation: 'getConversation',
      clientId: 'c1',
      errorBody: { code: 'not.authorized', message: 'Not authorized' },
    });
    expect(explained.missingPermissions).toEqual([]);
    expect(explained.fix).toContain(
      'holding this permission to OAuth client c1: conversation:communication:view',
    );
    expect(explained.message).toContain('did not name the missing permission');
  });

  it('says "all of" for missing.permissions with several entries', () => {
    const explained = explainForbidden({
      operation: 'sendMessage',
      clientId: 'c1',
      errorBody: {
        code: 'missing.permissions',
        messageParams: { p: 'conversation:message:create conversation:foo:bar' },
      },
    });
    expect(explained.fix).toContain('all of these permissions');
  });
});

// Tokens of the Stave policy language (spec §3).
// Comments go to the hidden channel so the parser never sees them; the AST
// builder reads doc comments (`///`) back from the token stream, and the
// formatter keeps every comment as trivia.
lexer grammar StaveLexer;

// Reserved words: never usable as names.
PACKAGE: 'package';
IMPORT: 'import';
AS: 'as';
NAMESPACE: 'namespace';
USER: 'user';
GROUP: 'group';
SERVICEACCOUNT: 'serviceaccount';
RESOURCE: 'resource';
ACTION: 'action';
APP: 'app';
PIPELINE: 'pipeline';
ALLOW: 'allow';
DENY: 'deny';
TO: 'to';
IN: 'in';
CALL: 'call';
RUN: 'run';
TEST: 'test';
EXPECT: 'expect';
ANY: 'any';
AUTHENTICATED: 'authenticated';
CLUSTER: 'cluster';

// Contextual keywords: keywords in one position, ordinary names elsewhere
// (the parser's `name` rule accepts them).
METHODS: 'methods';
PATHS: 'paths';
PORTS: 'ports';
HOSTS: 'hosts';
NOT: 'not';
WHEN: 'when';
DEFAULT: 'default';
MTLS: 'mtls';
STRICT: 'strict';
EXTERNAL: 'external';
SELECTOR: 'selector';
OBJECTS: 'objects';
INCLUDE: 'include';
METHOD: 'method';
PATH: 'path';
PORT: 'port';
HOST: 'host';
HEADER: 'header';
PLAINTEXT: 'plaintext';
// Issuers and serviceaccount credentials (spec §12, §13).
ISSUER: 'issuer';
JWKS: 'jwks';
AUDIENCES: 'audiences';
PREFIX: 'prefix';
SUBJECT: 'subject';
CLAIM: 'claim';
VIA: 'via';
AUTOMOUNT: 'automount';
OFF: 'off';
ANNOTATIONS: 'annotations';
// Audit (spec §14).
AUDIT: 'audit';
LEVEL: 'level';
AUDITED: 'audited';
UNAUDITED: 'unaudited';

LBRACE: '{';
RBRACE: '}';
LBRACK: '[';
RBRACK: ']';
COMMA: ',';
COLON: ':';
DOT: '.';
EQEQ: '==';
NEQ: '!=';
EQ: '=';
STAR: '*';

// An identifier may hold `-` but not end with one (`web-sa`, not `web-`).
IDENT: [A-Za-z_] ([A-Za-z0-9_-]* [A-Za-z0-9_])?;
INT: [0-9]+;

// Escapes are checked by the AST builder so that a bad escape gets its own
// diagnostic instead of ending the string early.
STRING: '"' ('\\' ~[\r\n] | ~["\\\r\n])* '"';
UNTERMINATED_STRING: '"' ('\\' ~[\r\n] | ~["\\\r\n])*;

DOC_COMMENT: '///' ~[\r\n]* -> channel(HIDDEN);
LINE_COMMENT: '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT: '/*' .*? '*/' -> channel(HIDDEN);
// Cannot contain `*/`, so it only wins when the comment is really open.
UNTERMINATED_COMMENT: '/*' (~'*' | '*'+ ~[*/])* '*'* EOF;

WS: [ \t\r\n\f]+ -> channel(HIDDEN);

// Anything else is one bad character; the builder reports it.
ERROR_CHAR: .;

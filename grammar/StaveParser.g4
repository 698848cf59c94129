// Syntax of the Stave policy language (spec §2-6). Labelled alternatives let
// the AST builder (compiler/syntax/internal) use typed accessors; no semantic
// checks live here.
parser grammar StaveParser;

options {
  tokenVocab = StaveLexer;
  superClass = StaveParserBase;
  contextSuperClass = StaveContextBase;
}

// The base classes cast statically where ANTLR's runtime casts dynamically
// on every rule and child access (compiler/syntax/internal/parser_base.h).
@parser::preinclude { #include "compiler/syntax/internal/parser_base.h" }

file: packageDecl importDecl* item* EOF;

packageDecl: PACKAGE name;
importDecl: IMPORT pkg=name (AS alias=name)?;

item: declaration | policyRule | testBlock;

// ---------------------------------------------------------------- names
// Contextual keywords are names everywhere a name is expected.
name
  : IDENT | METHODS | PATHS | PORTS | HOSTS | NOT | WHEN | DEFAULT | MTLS
  | STRICT | EXTERNAL | SELECTOR | OBJECTS | INCLUDE | METHOD | PATH | PORT
  | HOST | HEADER | PLAINTEXT
  | ISSUER | JWKS | AUDIENCES | PREFIX | SUBJECT | CLAIM | VIA | AUTOMOUNT | OFF | ANNOTATIONS
  | AUDIT | LEVEL | AUDITED | UNAUDITED
  ;
qualifiedName: name (DOT name)?;
nameList: qualifiedName (COMMA qualifiedName)*;

// Any word, reserved or not: label keys and condition keys (spec §3).
anyWord
  : name | PACKAGE | IMPORT | AS | NAMESPACE | USER | GROUP | SERVICEACCOUNT
  | RESOURCE | ACTION | APP | PIPELINE | ALLOW | DENY | TO | IN | CALL | RUN
  | TEST | EXPECT | ANY | AUTHENTICATED | CLUSTER
  ;

// ---------------------------------------------------------------- declarations
declaration
  : namespaceDecl | userDecl | groupDecl | serviceAccountDecl | resourceDecl
  | actionDecl | appDecl | pipelineDecl | issuerDecl
  ;

namespaceDecl: NAMESPACE name (EQ STRING)? (LBRACE namespaceClause* RBRACE)?;
namespaceClause
  : DEFAULT DENY  # defaultDenyClause
  | MTLS STRICT   # mtlsStrictClause
  ;

userDecl: USER name (EQ STRING)?;
groupDecl: GROUP name (EQ STRING)?;

serviceAccountDecl
  : SERVICEACCOUNT name (EQ STRING)? IN nameList (LBRACE serviceAccountClause* RBRACE)?
  ;
serviceAccountClause
  : EXTERNAL                              # externalClause
  | AUTOMOUNT OFF                         # automountClause
  | ANNOTATIONS LBRACE labelPair* RBRACE  # annotationsClause
  ;

resourceDecl: RESOURCE name EQ STRING;

actionDecl: ACTION name LBRACE actionItem* RBRACE;
actionItem
  : INCLUDE qualifiedName                     # includeItem
  | qualifiedName COLON verb (COMMA verb)*    # grantItem
  ;
verb: name | STAR;

appDecl: APP name IN nameList LBRACE appClause* RBRACE;
appClause
  : SELECTOR LBRACE labelPair* RBRACE                 # selectorClause
  | SERVICEACCOUNT qualifiedName                      # appServiceAccountClause
  | PORTS portSpec (COMMA portSpec)*                  # portsClause
  | OBJECTS LBRACE objectsEntry* RBRACE               # objectsClause
  ;
labelPair: labelKey EQ STRING;
labelKey: anyWord | STRING;
// The protocol is a plain identifier so that a following clause keyword
// (`objects`, `selector`) is never taken for one.
portSpec: INT IDENT?;
objectsEntry: qualifiedName COLON STRING (COMMA STRING)*;

pipelineDecl: PIPELINE name (EQ STRING)? IN qualifiedName LBRACE pipelineClause* RBRACE;
pipelineClause: SERVICEACCOUNT qualifiedName;

// spec §12: an identity provider whose tokens Istio validates.
issuerDecl: ISSUER name EQ STRING (LBRACE issuerClause* RBRACE)?;
issuerClause
  : JWKS STRING                         # jwksClause
  | AUDIENCES STRING (COMMA STRING)*    # audiencesClause
  | HEADER STRING (PREFIX STRING)?      # headerClause
  ;

// ---------------------------------------------------------------- rules
policyRule: effect subject (COMMA subject)* TO ruleTarget;
// `audit` (spec §14) is a contextual keyword: it starts a rule only here.
effect: ALLOW | DENY | AUDIT;
subject
  : NAMESPACE qualifiedName  # namespaceSubject
  | ANY                      # anySubject
  | AUTHENTICATED            # authenticatedSubject
  | ISSUER qualifiedName (SUBJECT STRING)? # issuerSubject
  | qualifiedName            # namedSubject
  ;

ruleTarget
  : CALL qualifiedName (IN nameList)? callClause*                   # callTarget
  // `in` is accepted only to say that a run rule takes none.
  | RUN nameList (IN (CLUSTER | nameList))?                         # runTarget
  | action=qualifiedName app=qualifiedName? IN (CLUSTER | nameList) (LEVEL level=name)? # apiTarget
  ;

callClause
  : NOT? METHODS name (COMMA name)*          # methodsClause
  | NOT? PATHS STRING (COMMA STRING)*        # pathsClause
  | NOT? PORTS INT (COMMA INT)*              # portsMatchClause
  | NOT? HOSTS STRING (COMMA STRING)*        # hostsClause
  | WHEN condition                           # whenClause
  // Only API audit rules take a level; sema says so here.
  | LEVEL name                               # levelClause
  ;
condition: conditionKey op=(EQEQ | NEQ) STRING (COMMA STRING)*;
conditionKey: anyWord (DOT anyWord)* (LBRACK (index=anyWord | STRING) RBRACK)?;

// ---------------------------------------------------------------- tests
testBlock: TEST STRING LBRACE expectation* RBRACE;
expectation: EXPECT expectEffect expectSubject TO expectTarget;
expectEffect: ALLOW | DENY | AUDITED | UNAUDITED;
expectSubject
  : PLAINTEXT                # plaintextSubject
  // spec §12: a request carrying a token, optionally through a peer.
  | ISSUER qualifiedName (SUBJECT STRING)? tokenClaim* (VIA subject)? # tokenSubject
  | subject                  # ruleSubject
  ;
expectTarget
  : CALL app=qualifiedName (IN ns=qualifiedName)? expectCallClause*   # expectCall
  | RUN pipeline=qualifiedName (AS sa=qualifiedName)?                # expectRun
  // Either VERB RESOURCE ["OBJECT"] or ACTION [APP]; sema tells them apart.
  | (STAR | first=qualifiedName) second=qualifiedName? STRING? IN (CLUSTER | ns=qualifiedName)
    (LEVEL level=name)?                                            # expectApi
  ;
// A target on its own, the whole input: the query of `stave who-can`.
loneExpectTarget: expectTarget EOF;
tokenClaim: CLAIM (anyWord | key=STRING) EQ value=STRING;
expectCallClause
  : METHOD name                              # expectMethod
  | PATH STRING                              # expectPath
  | PORT INT                                 # expectPort
  | HOST STRING                              # expectHost
  | HEADER (anyWord | key=STRING) EQ value=STRING # expectHeader
  ;

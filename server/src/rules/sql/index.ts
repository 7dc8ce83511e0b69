// Public entry of the SQL layer: tokenizer, statement parser and extraction of SQL from shell scripts.
export { tokenizeSql, type SqlToken, type SqlTokenKind } from './tokenize';
export { parseSql, type SqlKind, type SqlStatement, type SqlTable } from './statements';
export { sqlOf, sqlSpan, isSqlClient, type SqlSource } from './extract';
export { initPgParser, pgReady, takePgMissed, type PgParse } from './pg';

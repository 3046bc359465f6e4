/**
 * Procedure guides (thủ tục hành chính): hand-written guides with YAML front matter
 * (knowledge/procedures/*.md) and guides found inside ordinary documents.
 */
export { readProcedureGuide, ProcedureFrontMatter, describeDocumentItem, type ProcedureReadResult } from './procedures/guide.js';
export { extractProcedures } from './procedures/layout.js';
export { FIELD_HEADINGS, PROCEDURE_FIELDS, type ProcedureField } from './procedures/fields.js';

/** Placeholder until the pdf reader lands (helper F owns this file and overwrites it). */
import { IngestError, type Reader } from './reader.js';

export const readPdf: Reader = async () => {
  throw new IngestError('INGEST_UNSUPPORTED', 'pdf reader not ready');
};

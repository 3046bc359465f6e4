/** Placeholder until the image reader lands (helper F owns this file and overwrites it). */
import { IngestError, type Reader } from './reader.js';

export const readImage: Reader = async () => {
  throw new IngestError('INGEST_UNSUPPORTED', 'image reader not ready');
};

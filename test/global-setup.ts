/**
 * Runs once before the test files. Builds what tests need but the repo must not carry: the
 * generated ONNX embedding model (test/fixtures/generated/model, gitignored).
 */
import { ensureTestModel } from './helpers/model.js';

export default async function setup(): Promise<void> {
  ensureTestModel();
}

/**
 * Runs once before the test files. Builds what tests need but the repo must not carry
 * (the generated ONNX embedding model lands here once the dense path exists).
 */
export default async function setup(): Promise<void> {
  // populated by the index tests' model generator
}

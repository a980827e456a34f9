/** What a CLI `main` printed on one stream, with its exit code; the other stream is silenced. */
export async function captured(
  stream: "stdout" | "stderr",
  action: () => Promise<number>,
): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const other = stream === "stdout" ? "stderr" : "stdout";
  const spy = jest.spyOn(process[stream], "write").mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  const silenced = jest.spyOn(process[other], "write").mockImplementation(() => true);
  try {
    return { code: await action(), text: chunks.join("") };
  } finally {
    spy.mockRestore();
    silenced.mockRestore();
  }
}

/** Runs `action` with `env` merged into process.env (CLIs read secrets from there, as in CI), then restores it. */
export async function withEnv<T>(env: NodeJS.ProcessEnv, action: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await action();
  } finally {
    for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/**
 * Node's arguments to run a TypeScript file as it stands, in a child process: tsx (esbuild,
 * no type check; `npm run typecheck` checks types). About a third of ts-node's start-up CPU,
 * which counts where tests start the service, the CLIs and the chain many times over.
 */
export const RUN_TYPESCRIPT: readonly string[] = ["--require", require.resolve("tsx/cjs")];

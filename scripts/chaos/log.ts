/** The suite's progress lines, on stderr with the time since the run began (stdout keeps the results). */
const began = Date.now();

export const say = (line: string): void => void process.stderr.write(`[chaos +${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

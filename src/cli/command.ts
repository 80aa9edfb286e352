// What every CLI command is: main.ts finds one by name and runs it with the rest of the words.
// Its own file, so the commands need not import main.ts (which loads them).
export interface CliCommand {
  run(argv: string[]): Promise<number>;
}

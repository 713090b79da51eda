/**
 * What every section of `npm run bench` returns (bench/index.ts prints them, writes
 * bench-results/results.json and the plots). A figure is measured over several rounds: its
 * median, the spread (lowest and highest round), and, where the issue asks for one, the baseline
 * it is compared with, measured in the same run, and the ratio between them.
 */
export interface BenchFigure {
  /** What was measured, in words ("handshake latency, median"). */
  name: string;
  unit: string;
  median: number;
  /** Lowest and highest of the rounds (or percentiles named in `name`). */
  spread: [number, number];
  /** How many rounds or samples the median is over. */
  samples: number;
  /** The figure this one is compared with, measured in the same run. */
  baseline?: { name: string; median: number };
  /** median / baseline.median. */
  ratio?: number;
  /** The target in words ("<= 0.8x"), and whether this run met it. */
  target?: string;
  pass?: boolean;
}

export interface BenchSection {
  title: string;
  figures: BenchFigure[];
  /** Method and anything a reader needs to trust the figures. */
  notes: string[];
  /** Points for the plots: series name -> [x, y] pairs (x = patients, y = ms). */
  series?: Record<string, Array<[number, number]>>;
}

export interface BenchOptions {
  /** Rounds per figure (BENCH_ROUNDS, default 5; 1 in quick mode). */
  rounds: number;
  /** BENCH_QUICK=1: small sizes, one round, to check the harness runs. */
  quick: boolean;
}

export type BenchRun = (options: BenchOptions) => Promise<BenchSection>;

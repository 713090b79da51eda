/**
 * `npm run bench:conference` (kept for the README): now the join-storm section of `npm run bench`
 * (bench/sections/storm.ts), run alone. BENCH_QUICK, BENCH_ROUNDS and BENCH_PROFILE apply.
 */
process.env['BENCH_ONLY'] = 'storm';
await import('./index.js');

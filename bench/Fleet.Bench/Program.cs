using Fleet.Bench;

return await PlanBenchmark.RunAsync(args).ConfigureAwait(false);

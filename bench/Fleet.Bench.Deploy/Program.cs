using Fleet.Bench.Deploy;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

return await DeployBenchmark.RunAsync(args).ConfigureAwait(false);

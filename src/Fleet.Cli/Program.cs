using Fleet.Cli;

return await FleetCli.RunAsync(args).ConfigureAwait(false);

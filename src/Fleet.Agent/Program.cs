using Fleet.Agent;

return await AgentCli.RunAsync(args).ConfigureAwait(false);

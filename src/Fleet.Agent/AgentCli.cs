namespace Fleet.Agent;

/// <summary>
/// fleet-agent, the node side of fleet. It owns what happens on a node during and after a
/// deployment. This first version reports what the node runs; activation comes with nixos.system.
/// </summary>
public static class AgentCli
{
    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        switch (args.FirstOrDefault())
        {
            case "version":
                Console.WriteLine(typeof(AgentCli).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
                return Task.FromResult(0);
            case "status":
                Console.WriteLine(NodeStatus.Read("/").ToJson());
                return Task.FromResult(0);
            default:
                Console.Error.WriteLine("usage: fleet-agent version | status");
                return Task.FromResult(2);
        }
    }
}

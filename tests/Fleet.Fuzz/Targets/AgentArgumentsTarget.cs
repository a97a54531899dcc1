using System.Text;
using Fleet.Agent;
using Fleet.Agent.Activation;
using Fleet.Agent.Daemon;

namespace Fleet.Fuzz.Targets;

/// <summary>
/// fleet-agent's command line: the input split at NUL bytes into argv, parsed by
/// <see cref="AgentArguments.Parse"/> with the agent's own flags, then read the way its commands read
/// it (seconds, the activation request, the status listener's address). Clean rejection:
/// <see cref="UsageException"/>. Seconds it accepts must be usable as a timeout (TimeSpan, CancelAfter).
/// </summary>
public sealed class AgentArgumentsTarget : FuzzTarget
{
    private static readonly string[] s_secondsOptions = ["confirm-timeout", "health-timeout", "interval"];
    private static readonly AgentPaths s_paths = new("/nonexistent-fuzz-root");

    public override string Name => "agent-arguments";

    public override string Description => "fleet-agent argv (NUL-separated) through AgentArguments and ActivationRequest; rejects with UsageException";

    public override void Run(byte[] input)
    {
        var argv = Encoding.UTF8.GetString(input).Split('\0');
        ActivationRequest? request = null;
        try
        {
            var arguments = AgentArguments.Parse(argv, AgentCli.FlagNames, AgentCli.Commands);
            foreach (var name in s_secondsOptions)
            {
                var seconds = arguments.GetSeconds(name, 1);
                using var timeout = new CancellationTokenSource();
                timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
            }

            if (arguments.Get("http") is { } listen)
            {
                _ = StatusHttpServer.ParseEndPoint(listen);
            }

            if (arguments.Command is "activate" or "activate-worker")
            {
                request = ActivationRequest.FromArguments(arguments, s_paths);
            }
        }
        catch (UsageException)
        {
            // A clean rejection: one line on stderr, exit code 2.
            return;
        }

        if (request is not null)
        {
            CheckHandOver(request);
        }
    }

    /// <summary>`activate` hands its request to the detached worker as argv: it must read back the same.</summary>
    private static void CheckHandOver(ActivationRequest request)
    {
        ActivationRequest again;
        try
        {
            again = ActivationRequest.FromArguments(
                AgentArguments.Parse(["activate-worker", .. request.ToArguments(request.ChecksFile)], AgentCli.FlagNames, AgentCli.Commands), s_paths);
        }
        catch (UsageException e)
        {
            throw new FuzzFindingException($"an accepted activation request is refused by the worker it is handed to: {e.Message}", e);
        }

        if (again != request)
        {
            throw new FuzzFindingException("an activation request does not survive its hand-over to the worker as argv");
        }
    }
}

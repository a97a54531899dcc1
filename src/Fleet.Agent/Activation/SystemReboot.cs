using Fleet.Processes;

namespace Fleet.Agent.Activation;

/// <summary>
/// `reboot`: `systemctl reboot` (the running system's systemctl, then PATH), unless an activation
/// holds the lock: a reboot in the middle of one would keep its profile change without its checks
/// or confirmation. Through the agent, a deploy user's sudo rule (the agent only) covers it.
/// </summary>
public static class SystemReboot
{
    public static async Task<int> RunAsync(AgentFiles files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var activationLock = ActivationLock.Acquire(files);
        var systemctl = ToolLocator.Find("systemctl");
        Console.Error.WriteLine($"fleet-agent: rebooting ({systemctl} reboot)");
        var result = await new ProcessRunner().RunAsync(
            ProcessSpec.Create(systemctl, "reboot"), cancellationToken, Console.Out.WriteLine, Console.Error.WriteLine).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"fleet-agent: {systemctl} reboot exited with code {result.ExitCode}");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }
}

namespace Fleet.DeployUser.Tests;

/// <summary>
/// deployment.privilegeEscalationCommand: a non-root target user's privileged steps go through
/// the command given, not fleet's own sudo. The command here is a wrapper on the node that
/// records each use, then runs sudo as the deploy user's rule allows.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PrivilegeEscalationTests
{
    private const string Wrapper = "/var/lib/fleet-escalate";

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task The_deploy_users_privileged_steps_run_through_the_given_privilegeEscalationCommand()
    {
        await using var fleet = await SudoFleet.UpAsync();
        var install = await fleet.Testbed.ExecAsync("web", ["sh", "-c",
            $"printf '#!/bin/sh\\necho \"$(id -un): $*\" >> /var/lib/escalations.log\\nexec sudo -n -- \"$@\"\\n' > {Wrapper} && chmod 755 {Wrapper} && : > /var/lib/escalations.log && chmod 666 /var/lib/escalations.log"], CancellationToken.None);
        Assert.True(install.Succeeded, install.StandardError);
        fleet.Write("admin", "v1");
        var (first, _) = await fleet.ApplyAtTerminalAsync(SudoFleet.Password);
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        var before = await fleet.Testbed.ExecAsync("web", ["sh", "-c", "cat /var/lib/escalations.log 2>/dev/null; true"], CancellationToken.None);
        Assert.Equal("", before.StandardOutput.Trim());

        fleet.Write("fleet-deploy", "v2", $"deployment.privilegeEscalationCommand = [ \"{Wrapper}\" ];");
        var second = await fleet.ApplyAsync();

        Assert.True(second.ExitCode == 0, second.StandardOutput + second.StandardError);
        Assert.Equal("web v2", await fleet.PageAsync());
        var log = await fleet.Testbed.ExecAsync("web", ["cat", "/var/lib/escalations.log"], CancellationToken.None);
        Assert.True(log.Succeeded, log.StandardError);
        Assert.Contains(log.StandardOutput.Split('\n'), line => line.StartsWith("fleet-deploy: /nix/store/", StringComparison.Ordinal) && line.Contains("/bin/fleet-agent activate ", StringComparison.Ordinal));
    }
}

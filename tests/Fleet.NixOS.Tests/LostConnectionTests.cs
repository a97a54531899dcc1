namespace Fleet.NixOS.Tests;

/// <summary>The deployer's SSH session dropping mid-activation does not lose the activation.</summary>
[Trait("Category", "Integration")]
public sealed class LostConnectionTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task An_activation_that_drops_the_deployers_ssh_session_is_found_again_and_confirmed()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        var file = FleetFile.For("a");
        await fleet.ApplyAsync(file);
        var dropsSessions = """
            test.version = "v2";
            system.activationScripts.dropssh = "${pkgs.procps}/bin/pkill -f '^sshd: root@' || true";
            """;

        var apply = await fleet.ApplyAsync(file.With("a", dropsSessions));

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal("a v2", await fleet.PageAsync("a"));
        Assert.Equal("confirmed", (await fleet.AgentStatusAsync("a")).GetProperty("lastActivation").GetProperty("outcome").GetString());
    }
}

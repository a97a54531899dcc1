using Fleet.Nodes;
using Fleet.Providers.NixOS;

namespace Fleet.NixOS.Tests;

/// <summary>A failed activation as one line with its cause, from the agent's typed results.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ActivationFailureTests
{
    private const string Previous = "/nix/store/pgd0ij1nbky7jkap3xy80nk2qzmb71mx-nixos-system-a-25.05";

    private static readonly string[] s_output = ["$ /nix/store/x/bin/switch-to-configuration switch", "activating the configuration...", "starting web"];

    [Fact]
    public void A_failed_health_check_is_the_check_its_reason_and_the_system_rolled_back_to_in_one_line()
    {
        HealthResult[] checks = [new("tcp 127.0.0.1:9999", "tcp", false, 2, "tcp 127.0.0.1:9999: Connection refused", 400)];

        var message = ActivationFailure.Describe(11, "health checks failed: tcp 127.0.0.1:9999: Connection refused", Previous, checks, s_output);

        Assert.Equal("health check tcp 127.0.0.1:9999 failed: Connection refused; rolled back to pgd0ij1n", message);
    }

    [Fact]
    public void A_failed_switch_is_one_line_with_the_agent_s_word_then_the_last_lines_of_the_switch()
    {
        var message = ActivationFailure.Describe(10, "switch-to-configuration switch exited with code 3", Previous, [], [.. s_output, "", "starting web", "web.service failed"]);

        Assert.Equal(
            "switch-to-configuration failed; rolled back to pgd0ij1n: switch-to-configuration switch exited with code 3\n  activating the configuration...\n  starting web\n  web.service failed",
            message);
    }

    [Fact]
    public void A_passed_check_is_one_log_line_not_json()
    {
        Assert.Equal("health: http http://127.0.0.1:8080/ ok", AgentActivation.HealthLine(new HealthResult("http http://127.0.0.1:8080/", "http", true, 1, "ok", 12)));
    }
}

using Fleet.Nodes;

namespace Fleet.Agent.Tests;

/// <summary>What `switch-to-configuration dry-activate` says it would do, read in NixOS' words.</summary>
public sealed class DryActivateOutputTests
{
    [Fact]
    public void The_units_nixos_would_stop_restart_reload_and_start_are_read_from_its_would_lines()
    {
        var units = DryActivateOutput.Parse([
            "would stop the following units: old.service, gone.socket",
            "would NOT stop the following changed units: getty@tty1.service",
            "would activate the configuration...",
            "would restart systemd",
            "would reload the following units: nginx.service",
            "would restart the following units: web.service, api.service",
            "would start the following units: extra.service",
        ]);

        Assert.Equal(["old.service", "gone.socket"], units.Stop.ToArray());
        Assert.Equal(["web.service", "api.service"], units.Restart.ToArray());
        Assert.Equal(["nginx.service"], units.Reload.ToArray());
        Assert.Equal(["extra.service"], units.Start.ToArray());
    }

    [Fact]
    public void Output_without_would_lines_means_no_unit_changes()
    {
        var units = DryActivateOutput.Parse(["would activate the configuration...", "setting up /etc..."]);

        Assert.True(units.IsEmpty);
    }

    [Fact]
    public void A_unit_named_twice_is_listed_once()
    {
        var units = DryActivateOutput.Parse([
            "would start the following units: a.service",
            "would start the following units: a.service, b.service",
        ]);

        Assert.Equal(["a.service", "b.service"], units.Start.ToArray());
    }
}

namespace Fleet.Apply.Tests;

/// <summary>`providers.NAME.timeout` alone, through the real fleet: a built-in provider is found and bound by it; any other name needs a command.</summary>
public sealed class ProviderTimeoutTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_timeout_without_a_command_binds_the_built_in_provider_of_that_name()
    {
        // `dummy` is a built-in here: fleet-provider-dummy.dll lies beside fleet.dll. Its
        // `patient` mode keeps `quiet` silent until cancelled; `fast` answers at once.
        _ws.WriteFleet($$"""
              providers.dummy.timeout = 5;
              resources.quiet = { type = "dummy.thing"; inputs = { name = "q"; value = "silent:{{_ws.File("quiet-cancelled")}}"; }; };
              resources.fast = { type = "dummy.thing"; inputs = { name = "f"; value = "fast"; }; };
            """);

        var apply = await new Fleet.Processes.ProcessRunner().RunAsync(
            _ws.Command("apply", "--plain").WithEnvironment("FLEET_DUMMY_MODE", "patient"), CancellationToken.None);

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("provider `dummy` said nothing about `quiet` for 5s while creating it", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Apply: 1 succeeded, 1 failed", apply.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(_ws.File("quiet-cancelled")), "the provider got `$/cancel` for the silent call");
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_timeout_without_a_command_for_a_provider_that_is_not_built_in_is_an_error_naming_it()
    {
        _ws.WriteFleet("""
              providers.ghost.timeout = 60;
              resources.g = { type = "ghost.thing"; inputs = { }; };
            """);

        var plan = await _ws.RunAsync("plan");

        Assert.NotEqual(0, plan.ExitCode);
        Assert.Contains(
            "provider `ghost` is declared without a `command` (`providers.ghost`), and it is not a built-in provider (there is no fleet-provider-ghost beside fleet or on PATH): give `providers.ghost.command`",
            plan.StandardOutput + plan.StandardError,
            StringComparison.Ordinal);
        Assert.DoesNotContain("   at Fleet.", plan.StandardOutput + plan.StandardError, StringComparison.Ordinal);
    }
}

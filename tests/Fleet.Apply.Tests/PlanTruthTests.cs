using Fleet.Processes;

namespace Fleet.Apply.Tests;

/// <summary>
/// A plan says what it knows: a resource that cannot be planned is named once with its cause,
/// the plan never says "No changes" then, and `--detailed-exitcode` tells scripts 0 / 1 / 2.
/// </summary>
public sealed class PlanTruthTests : IDisposable
{
    private readonly FleetWorkspace _ws = new();

    public PlanTruthTests() => _ws.WriteFleet($$"""
          providers.dummy.command = [ {{FleetWorkspace.DummyProvider("well-behaved", "dummy")}} ];
          resources.a = { type = "dummy.thing"; inputs = { name = "a"; value = "one"; }; };
          resources.b = { type = "dummy.thing"; inputs = { name = "b"; value = "two"; }; };
        """);

    public void Dispose() => _ws.Dispose();

    private Task<ProcessResult> WithUnreachableAAsync(params string[] args) =>
        new ProcessRunner().RunAsync(_ws.Command(args).WithEnvironment("FLEET_DUMMY_FAIL_READ", "a"), CancellationToken.None);

    private static int Occurrences(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_plan_with_a_resource_that_cannot_be_read_names_it_once_never_says_no_changes_and_exits_1()
    {
        Assert.Equal(0, (await _ws.RunAsync("apply", "--plain")).ExitCode);

        var plan = await WithUnreachableAAsync("plan");

        Assert.Equal(1, plan.ExitCode);
        Assert.Equal(1, Occurrences(plan.StandardOutput + plan.StandardError, "cannot reach a"));
        Assert.Contains("! a cannot be planned: provider `dummy` failed reading `a`: dummy: cannot reach a (told to fail reading it)\n", plan.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("No changes", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 unchanged, 1 cannot be planned. The plan is incomplete.", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_apply_whose_plan_is_incomplete_names_each_resource_that_cannot_be_planned_once_and_exits_1()
    {
        Assert.Equal(0, (await _ws.RunAsync("apply", "--plain")).ExitCode);

        var apply = await WithUnreachableAAsync("apply", "--plain");

        Assert.Equal(1, apply.ExitCode);
        Assert.Equal(1, Occurrences(apply.StandardOutput + apply.StandardError, "cannot reach a"));
        Assert.DoesNotContain("No changes", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("failed a: cannot be planned: provider `dummy` failed reading `a`", apply.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_with_detailed_exitcode_exits_2_when_there_are_changes_and_0_when_there_are_none()
    {
        var changes = await _ws.RunAsync("plan", "--detailed-exitcode");
        Assert.Equal(0, (await _ws.RunAsync("apply", "--plain")).ExitCode);
        var none = await _ws.RunAsync("plan", "--detailed-exitcode");
        var plain = await _ws.RunAsync("plan");

        Assert.Equal(2, changes.ExitCode);
        Assert.Contains("Plan: 2 to create", changes.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("No changes", none.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, plain.ExitCode);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_with_detailed_exitcode_exits_1_on_an_incomplete_plan_and_on_a_usage_error()
    {
        Assert.Equal(0, (await _ws.RunAsync("apply", "--plain")).ExitCode);

        var incomplete = await WithUnreachableAAsync("plan", "--detailed-exitcode");
        var selectsNothing = await _ws.RunAsync("plan", "--detailed-exitcode", "--on", "nosuchnode");
        var unknownOption = await _ws.RunAsync("plan", "--detailed-exitcode", "--bogus");

        Assert.Equal(1, incomplete.ExitCode);
        Assert.Equal(1, selectsNothing.ExitCode);
        Assert.Equal(1, unknownOption.ExitCode);
    }
}

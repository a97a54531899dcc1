namespace Fleet.DeployUser.Tests;

/// <summary>
/// Deploying as a non-root user: the first time with the sudo password typed once at a real
/// terminal (real Debian sudo and PAM in the node), after that as the deploy user with no
/// password at all; a missing or wrong password fails at once, saying what to do.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SudoTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task The_first_deployment_asks_once_and_the_next_one_needs_no_password_through_the_deploy_users_rule()
    {
        await using var fleet = await SudoFleet.UpAsync();
        fleet.Write("admin", "v1");

        var (first, commandLines) = await fleet.ApplyAtTerminalAsync(SudoFleet.Password);

        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        Assert.Equal(1, CountOf(first.StandardOutput, SudoFleet.Prompt));
        Assert.Equal("web v1", await fleet.PageAsync());

        fleet.Write("fleet-deploy", "v2");
        var second = await fleet.ApplyAsync();

        Assert.True(second.ExitCode == 0, second.StandardOutput + second.StandardError);
        Assert.DoesNotContain("password", second.StandardOutput + second.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("web v2", await fleet.PageAsync());

        // The password was typed, never echoed, and went nowhere else.
        Assert.NotEmpty(commandLines);
        Assert.DoesNotContain(commandLines, line => line.Contains(SudoFleet.Password, StringComparison.Ordinal));
        Assert.DoesNotContain(SudoFleet.Password, first.StandardOutput + first.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(SudoFleet.Password, await fleet.EverythingWrittenAsync(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_node_that_needs_a_password_nobody_gave_fails_at_once_saying_what_to_do()
    {
        await using var fleet = await SudoFleet.UpAsync();
        fleet.Write("admin", "v1");

        var apply = await fleet.ApplyAsync();

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains(
            "sudo on web needs a password for admin: rerun with --ask-sudo-password, or enable services.fleet-deploy-user on the node",
            apply.StandardOutput + apply.StandardError,
            StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_wrong_password_fails_fast_with_a_clear_message()
    {
        await using var fleet = await SudoFleet.UpAsync();
        fleet.Write("admin", "v1");

        var (apply, _) = await fleet.ApplyAtTerminalAsync("not-the-password");

        // Fast means at the first refusal: asked once and not again (the test's timeout catches a
        // run that hangs instead).
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("sudo on web did not accept the password given for admin", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(apply.StandardOutput, SudoFleet.Prompt));
        Assert.DoesNotContain("not-the-password", apply.StandardOutput, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}

using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>ProcessRunner's containment: a child in its own session, and the group that dies with it.</summary>
public sealed class ProcessSessionTests
{
    // A shell whose background child ignores SIGINT (non-interactive shells start `&` jobs so):
    // the leader stops on a signal, the grandchild would not.
    private static ProcessSpec ShellWithBackgroundChild(string pidFile) =>
        ProcessSpec.Create("/bin/sh", "-c", "sleep 100000 & echo $! > \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; wait", "sh", pidFile);

    private static async Task<int> ReadPidAsync(string file, Task running)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!File.Exists(file))
        {
            Assert.False(running.IsCompleted, "the shell ended before starting its child");
            Assert.True(DateTime.UtcNow < deadline, "the shell did not start its child");
            await Task.Delay(20);
        }

        return int.Parse(await File.ReadAllTextAsync(file), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Fields 5 and 6 of /proc/PID/stat: the process group and the session.</summary>
    private static (int Group, int Session) Ids(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_child_in_its_own_session_leads_its_group_and_session_and_its_children_stay_in_them()
    {
        var pidFile = Path.Combine(Directory.CreateTempSubdirectory("fleet-session").FullName, "child.pid");
        using var process = new ProcessRunner().Start(ShellWithBackgroundChild(pidFile).InOwnSession());
        var child = await ReadPidAsync(pidFile, process.WaitForExitAsync());

        Assert.Equal((process.Id, process.Id), Ids(process.Id));
        Assert.Equal((process.Id, process.Id), Ids(child));
        Assert.NotEqual(Ids(Environment.ProcessId).Session, process.Id);
        await ProcessRunner.StopAsync(process, TimeSpan.FromSeconds(5));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Cancelling_a_child_in_its_own_session_stops_everything_in_its_group()
    {
        var pidFile = Path.Combine(Directory.CreateTempSubdirectory("fleet-session").FullName, "child.pid");
        using var cancel = new CancellationTokenSource();
        var run = new ProcessRunner().RunAsync(ShellWithBackgroundChild(pidFile).InOwnSession(), cancel.Token);
        var child = await ReadPidAsync(pidFile, run);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        // The shell stopped on SIGINT; its child, deaf to SIGINT, went with the group.
        await LiveProcesses.WaitUntilGoneAsync(child, "the shell's background child");
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task When_the_leader_of_a_session_is_killed_what_is_left_of_its_group_is_killed()
    {
        var pidFile = Path.Combine(Directory.CreateTempSubdirectory("fleet-session").FullName, "child.pid");
        using var process = new ProcessRunner().Start(ShellWithBackgroundChild(pidFile).InOwnSession());
        var child = await ReadPidAsync(pidFile, process.WaitForExitAsync());

        process.Kill(entireProcessTree: false);

        await LiveProcesses.WaitUntilGoneAsync(child, "the killed leader's child");
    }
}

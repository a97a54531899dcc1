using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.State;
using Spectre.Console;

namespace Fleet.Cli;

/// <summary>
/// `fleet state`: look at and repair the state database (list, show, rm, unlock, runs). These
/// verbs never touch the machines; `rm` only makes fleet forget a resource.
/// </summary>
internal static class StateCommand
{
    public static Command Create() => new("state", "Inspect and repair the fleet's state (never touches the machines)")
    {
        List(),
        Show(),
        Remove(),
        Unlock(),
        Runs(),
        Log(),
    };

    private static Command List()
    {
        var command = new Command("list", "List the resources in the state") { FleetOptions.Json };
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            await using var store = await OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var resources = store is null
                ? []
                : (await store.LoadResourcesAsync(cancellationToken).ConfigureAwait(false)).Values.ToList();
            if (parse.GetValue(FleetOptions.Json))
            {
                await WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var resource in resources)
                    {
                        WriteResource(writer, resource);
                    }

                    writer.WriteEndArray();
                }, cancellationToken).ConfigureAwait(false);
                return FleetCli.ExitOk;
            }

            if (resources.Count == 0)
            {
                await Console.Error.WriteLineAsync($"no resources in the state {FleetOptions.StatePath(parse)}").ConfigureAwait(false);
                return FleetCli.ExitOk;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "TYPE", "NODE", "STATUS", "UPDATED");
            foreach (var r in resources)
            {
                table.AddRow(
                    Markup.Escape(r.Id),
                    Markup.Escape(r.Type),
                    Markup.Escape(r.Node ?? "-"),
                    Status(r.Status),
                    Markup.Escape(Time(r.UpdatedAt)));
            }

            FleetCli.Stdout.Write(table);
            return FleetCli.ExitOk;
        }));
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Resource id, as `fleet state list` shows it" };
        var command = new Command("show", "Show one resource's inputs, outputs and recorded dependencies as JSON (sensitive values appear only as their hash)") { id };
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var wanted = parse.GetValue(id)!;
            await using var store = await OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var resource = store is null ? null : await store.GetAsync(wanted, cancellationToken).ConfigureAwait(false);
            if (resource is null)
            {
                throw new StateException($"no resource '{wanted}' in the state {FleetOptions.StatePath(parse)}; `fleet state list` shows what is there");
            }

            // Sensitive fields were masked before they were stored: what is printed is all the state has.
            await WriteJsonAsync(writer => WriteResource(writer, resource), cancellationToken).ConfigureAwait(false);
            return FleetCli.ExitOk;
        }));
        return command;
    }

    private static Command Remove()
    {
        var ids = new Argument<string[]>("ids") { Description = "Resource ids to forget", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Forget resources without touching the real things (the next apply creates them again)") { ids };
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            var wanted = parse.GetValue(ids)!.Distinct(StringComparer.Ordinal).ToList();
            await using var store = await OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false)
                ?? throw new StateException($"there is no state at {FleetOptions.StatePath(parse)}, so there is nothing to forget");

            // Taking the lock refuses while an apply runs, and recovers a lock its dead holder left.
            await using var held = await store.AcquireLockAsync("state rm", cancellationToken).ConfigureAwait(false);
            ReportRecovered(held);
            var found = new List<ResourceState>();
            foreach (var id in wanted)
            {
                found.Add(await store.GetAsync(id, cancellationToken).ConfigureAwait(false)
                    ?? throw new StateException($"no resource '{id}' in the state {store.Path}; nothing was forgotten. `fleet state list` shows what is there"));
            }

            foreach (var resource in found)
            {
                await store.RemoveAsync(resource.Id, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"forgot {resource.Id} ({resource.Type}{(resource.Node is null ? "" : " on " + resource.Node)}); the real thing was not touched");
            }

            return FleetCli.ExitOk;
        }));
        return command;
    }

    private static Command Unlock()
    {
        var command = new Command("unlock", "Remove the state lock, whoever holds it (only when you are sure its holder is gone)");
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            await using var store = await OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var holder = store is null ? null : await store.GetLockHolderAsync(cancellationToken).ConfigureAwait(false);
            if (store is null || holder is null)
            {
                Console.WriteLine("the state is not locked");
                return FleetCli.ExitOk;
            }

            await store.ForceUnlockAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"removed the lock held for {holder.Describe()}");
            return FleetCli.ExitOk;
        }));
        return command;
    }

    private static Command Runs()
    {
        var limit = new Option<int>("--limit", "-n") { Description = "How many runs to show", DefaultValueFactory = _ => 20 };
        var command = new Command("runs", "Show recent runs and their outcomes") { limit, FleetOptions.Json };
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            await using var store = await OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var runs = store is null ? [] : await store.ListRunsAsync(parse.GetValue(limit), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(FleetOptions.Json))
            {
                await WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var run in runs)
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("id", run.Id);
                        writer.WriteString("kind", run.Kind);
                        writer.WriteString("arguments", run.Arguments);
                        writer.WriteString("startedAt", run.StartedAt);
                        WriteOptional(writer, "finishedAt", run.FinishedAt);
                        writer.WriteString("outcome", run.Outcome);
                        writer.WriteString("holder", run.Holder);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, cancellationToken).ConfigureAwait(false);
                return FleetCli.ExitOk;
            }

            if (runs.IsEmpty)
            {
                await Console.Error.WriteLineAsync("no runs recorded yet").ConfigureAwait(false);
                return FleetCli.ExitOk;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("RUN", "KIND", "STARTED", "FINISHED", "OUTCOME", "BY", "ARGUMENTS");
            foreach (var run in runs)
            {
                table.AddRow(
                    run.Id.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(run.Kind),
                    Markup.Escape(Time(run.StartedAt)),
                    Markup.Escape(run.FinishedAt is { } finished ? Time(finished) : "-"),
                    Markup.Escape(run.Outcome ?? (run.FinishedAt is null ? "unfinished" : "-")),
                    Markup.Escape(run.Holder),
                    Markup.Escape(run.Arguments));
            }

            FleetCli.Stdout.Write(table);
            return FleetCli.ExitOk;
        }));
        return command;
    }

    private static Command Log()
    {
        var run = new Argument<long?>("run") { Description = "Run id, as `fleet state runs` shows it; default: the last run", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("log", "Show every event of a run: what each resource did, each provider's log lines, and how it ended") { run, FleetOptions.Json };
        command.SetAction((parse, cancellationToken) => FleetCli.GuardAsync(async () =>
        {
            await using var store = await OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var runs = store is null ? [] : await store.ListRunsAsync(parse.GetValue(run) is null ? 1 : int.MaxValue, cancellationToken).ConfigureAwait(false);
            var wanted = parse.GetValue(run);
            var record = wanted is { } id ? runs.FirstOrDefault(r => r.Id == id) : runs.FirstOrDefault();
            if (record is null)
            {
                await Console.Error.WriteLineAsync(wanted is { } missing
                    ? $"no run {missing} in the state {FleetOptions.StatePath(parse)}; `fleet state runs` lists them"
                    : "no runs recorded yet").ConfigureAwait(false);
                return wanted is null ? FleetCli.ExitOk : FleetCli.ExitFailed;
            }

            var events = await store!.GetEventsAsync(record.Id, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(FleetOptions.Json))
            {
                await WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var e in events)
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("run", e.RunId);
                        writer.WriteNumber("seq", e.Seq);
                        writer.WriteString("at", e.At);
                        writer.WriteString("resource", e.ResourceId);
                        writer.WriteString("kind", e.Kind);
                        writer.WriteString("message", e.Message);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, cancellationToken).ConfigureAwait(false);
                return FleetCli.ExitOk;
            }

            var output = Console.Out;
            await output.WriteLineAsync(
                $"run {record.Id} ({record.Kind}): fleet {record.Arguments}, by {record.Holder}, started {Time(record.StartedAt)}, " +
                (record.FinishedAt is { } end ? $"{record.Outcome ?? "finished"} {Time(end)}" : "unfinished")).ConfigureAwait(false);
            foreach (var e in events)
            {
                await output.WriteLineAsync(RunLogLine(e)).ConfigureAwait(false);
            }

            return FleetCli.ExitOk;
        }));
        return command;
    }

    /// <summary>One event as a line of `fleet state log`: time, resource, and what happened.</summary>
    internal static string RunLogLine(RunEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var time = e.At.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var what = e.Kind == "log" ? e.Message : $"{e.Kind}: {e.Message}";
        // A message of several lines stays one event: its lines are indented under it.
        return $"{time} [{e.ResourceId ?? "fleet"}] {what.Replace("\n", "\n           ", StringComparison.Ordinal)}";
    }

    /// <summary>The state, or null when there is none yet: these verbs must not create one.</summary>
    private static Task<StateStore?> OpenExistingAsync(ParseResult parse, CancellationToken cancellationToken) =>
        StateAccess.OpenExistingAsync(parse, cancellationToken);

    private static void ReportRecovered(StateLock held)
    {
        if (held.RecoveredFrom is { } stale)
        {
            Console.Error.WriteLine(
                $"recovered a stale lock held by pid {stale.Pid} since {Time(stale.AcquiredAt)} ({stale.Purpose} by {stale.User}@{stale.Host}; that process is gone)");
        }
    }

    private static void WriteResource(Utf8JsonWriter writer, ResourceState resource)
    {
        writer.WriteStartObject();
        writer.WriteString("id", resource.Id);
        writer.WriteString("type", resource.Type);
        writer.WriteString("provider", resource.Provider);
        writer.WriteString("node", resource.Node);
        writer.WriteString("status", resource.Status.ToString().ToLowerInvariant());
        writer.WriteString("createdAt", resource.CreatedAt);
        writer.WriteString("updatedAt", resource.UpdatedAt);
        if (resource.LastRunId is { } run)
        {
            writer.WriteNumber("lastRunId", run);
        }
        else
        {
            writer.WriteNull("lastRunId");
        }

        writer.WriteStartArray("dependencies");
        foreach (var dependency in resource.Dependencies)
        {
            writer.WriteStringValue(dependency);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("inputs");
        resource.Inputs.WriteTo(writer);
        writer.WritePropertyName("outputs");
        resource.Outputs.WriteTo(writer);
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } present)
        {
            writer.WriteString(name, present);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static async Task WriteJsonAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }

        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private static string Status(ResourceStatus status) => status switch
    {
        ResourceStatus.Ready => "[green]ready[/]",
        ResourceStatus.Failed => "[red]failed[/]",
        ResourceStatus.Tainted => "[yellow]tainted[/]",
        _ => status.ToString(),
    };

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z";
}

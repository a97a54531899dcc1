using System.Text.Json;
using Fleet.Engine.Apply;

namespace Fleet.Cli.Progress;

/// <summary>One JSON object per event on stdout (schemas/events.schema.json).</summary>
public sealed class JsonEventWriter : IRunObserver
{
    private readonly Stream _out;
    private readonly Lock _gate = new();

    public JsonEventWriter(Stream output)
    {
        _out = output;
    }

    /// <summary>stdout carries only events: what is said goes to stderr.</summary>
    public void Say(string line) => Console.Error.WriteLine(line);

    public void OnEvent(FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", Kebab(e.Kind));
            w.WriteString("at", e.At);
            WriteIf(w, "resource", e.Resource);
            WriteIf(w, "node", e.Node);
            WriteIf(w, "action", e.Action);
            WriteIf(w, "stage", e.Stage);
            if (e.Fraction is { } f)
            {
                w.WriteNumber("fraction", f);
            }

            WriteIf(w, "activity", e.Activity);
            if (e.Done is { } done)
            {
                w.WriteNumber("done", done);
            }

            if (e.Expected is { } expected)
            {
                w.WriteNumber("expected", expected);
            }

            WriteIf(w, "unit", e.Unit);
            WriteIf(w, "level", e.Level);
            WriteIf(w, "text", e.Text);
            WriteIf(w, "outcome", e.Outcome);
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            _out.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _out.Flush();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static string Kebab(FleetEventKind kind) => kind switch
    {
        FleetEventKind.RunStarted => "run-started",
        FleetEventKind.ResourceStarted => "resource-started",
        FleetEventKind.Log => "log",
        FleetEventKind.Progress => "progress",
        FleetEventKind.ResourceFinished => "resource-finished",
        FleetEventKind.RunFinished => "run-finished",
        _ => kind.ToString(),
    };

    private static void WriteIf(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}

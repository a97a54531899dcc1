using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fleet.Providers.NixOS;

/// <summary>
/// Reads what nix writes on stderr with `--log-format internal-json` (`@nix {json}` lines: the
/// start and stop of activities, their results, messages) as nix-output-monitor does, and keeps
/// what is going on: which derivations are building and how many of how many are built, and how
/// many bytes of how many are copied. Each line gives back what to log (a message, a build's
/// output line) and, when it changed, the progress to show. Activity and result types are Nix's
/// (libutil/logging.hh); unknown ones are ignored. Not thread-safe: one per nix process, fed
/// from its stderr in order.
/// </summary>
public sealed partial class NixActivityLog
{
    private const int CopyPath = 100;
    private const int CopyPaths = 103;
    private const int Builds = 104;
    private const int Build = 105;
    private const int Substitute = 108;
    private const int ResultBuildLogLine = 101;
    private const int ResultProgress = 105;
    private const int ResultSetExpected = 106;
    private const int ResultPostBuildLogLine = 107;
    private const int LevelError = 0;

    private readonly Dictionary<long, Activity> _activities = [];
    private (long Done, long Expected) _builds;
    private (long Done, long Expected) _copies;

    // nix-copy-closure (the legacy SSH store) reports neither bytes nor a count: only
    // "copying N paths" and each path's start and stop.
    private long _pathsAnnounced;
    private long _pathsCopied;
    private long _copyExpected;
    private long _copyFinished;
    private NixProgress? _last;

    /// <summary>The last error nix reported (its `msg` at level error), for a failure's one line.</summary>
    public string? LastError { get; private set; }

    /// <summary>One stderr line of nix: what it says for the log (null: nothing) and the progress now, if it changed.</summary>
    public (string? Text, NixProgress? Progress) Read(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.StartsWith("@nix ", StringComparison.Ordinal))
        {
            return (line, null);
        }

        JsonElement e;
        try
        {
            using var document = JsonDocument.Parse(line.AsMemory(5));
            e = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (line, null);
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        string? text = null;
        switch (String(e, "action"))
        {
            case "msg":
                text = Plain(String(e, "msg"));
                if (Long(e, "level") == LevelError && text is not null)
                {
                    LastError = text.StartsWith("error: ", StringComparison.Ordinal) ? text["error: ".Length..] : text;
                }

                break;
            case "start" when Long(e, "id") is { } id:
                var type = (int)(Long(e, "type") ?? 0);
                var name = type is Build or CopyPath && Field(e, 0) is { ValueKind: JsonValueKind.String } path ? DerivationName(path.GetString()!) : null;
                _activities[id] = new Activity(type, name);
                if (type == CopyPaths && String(e, "text") is { } announced && CopyingPaths().Match(announced) is { Success: true } m)
                {
                    _pathsAnnounced += long.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
                }

                // A build, a copy or a substitution says so: that is a line of the log.
                text = type is Build or CopyPath or Substitute && Plain(String(e, "text")) is { Length: > 0 } said ? said : null;
                break;
            case "stop" when Long(e, "id") is { } id && _activities.Remove(id, out var stopped):
                if (stopped.Type == CopyPath)
                {
                    _copyFinished += stopped.Expected;
                    _pathsCopied++;
                }

                break;
            case "result" when Long(e, "id") is { } id:
                text = Result(e, _activities.GetValueOrDefault(id));
                break;
            default:
                break;
        }

        var now = Progress();
        if (now is null || now == _last)
        {
            return (text, null);
        }

        _last = now;
        return (text, now);
    }

    private string? Result(JsonElement e, Activity? activity)
    {
        switch ((int)(Long(e, "type") ?? 0))
        {
            case ResultBuildLogLine or ResultPostBuildLogLine:
                return Field(e, 0) is { ValueKind: JsonValueKind.String } output ? Plain(output.GetString()) : null;
            case ResultProgress when activity is not null && FieldLong(e, 0) is { } done && FieldLong(e, 1) is { } expected:
                switch (activity.Type)
                {
                    case Builds:
                        _builds = (done, expected);
                        break;
                    case CopyPaths:
                        _copies = (done, expected);
                        break;
                    case CopyPath:
                        activity.Done = done;
                        activity.Expected = expected;
                        break;
                    default:
                        break;
                }

                return null;
            case ResultSetExpected when activity?.Type == CopyPaths && FieldLong(e, 0) == CopyPath && FieldLong(e, 1) is { } bytes:
                _copyExpected = bytes;
                return null;
            default:
                return null;
        }
    }

    /// <summary>Copying when something is copied (in bytes when nix said how many, else in paths), else building when derivations are; null while nix has said neither.</summary>
    private NixProgress? Progress()
    {
        var copying = _activities.Values.Where(a => a.Type == CopyPath).ToList();
        var copied = copying.Count == 0 ? null : string.Join(", ", copying.Select(a => a.Name));
        if (_copyExpected > 0)
        {
            var done = Math.Min(_copyExpected, _copyFinished + copying.Sum(a => a.Done));
            return new NixProgress(copied, done, _copyExpected, "bytes");
        }

        if (_copies.Expected > 0)
        {
            return new NixProgress(copied, _copies.Done, _copies.Expected, "paths");
        }

        if (_pathsAnnounced > 0)
        {
            return new NixProgress(copied, Math.Min(_pathsCopied, _pathsAnnounced), _pathsAnnounced, "paths");
        }

        if (_builds.Expected > 0)
        {
            var names = _activities.Values.Where(a => a.Type == Build && a.Name is not null).Select(a => a.Name!).ToList();
            return new NixProgress(names.Count == 0 ? null : string.Join(", ", names), _builds.Done, _builds.Expected, "derivations");
        }

        return null;
    }

    /// <summary>`/nix/store/HASH-hello-2.12.drv` is hello-2.12 (and `/nix/store/HASH-hello-2.12` too).</summary>
    public static string DerivationName(string drvPath)
    {
        ArgumentNullException.ThrowIfNull(drvPath);
        var name = Path.GetFileName(drvPath);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        name = dash is > 0 and < 40 ? name[(dash + 1)..] : name;
        return name.EndsWith(".drv", StringComparison.Ordinal) ? name[..^4] : name;
    }

    private static string? Plain(string? text) => text is null ? null : Ansi().Replace(text, "").TrimEnd();

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static long? FieldLong(JsonElement e, int index) =>
        Field(e, index) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

    private static JsonElement? Field(JsonElement e, int index) =>
        e.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array && fields.GetArrayLength() > index ? fields[index] : null;

    [GeneratedRegex("^copying ([0-9]+) paths", RegexOptions.CultureInvariant)]
    private static partial Regex CopyingPaths();

    [GeneratedRegex("\u001b\\[[0-9;]*[A-Za-z]", RegexOptions.CultureInvariant)]
    private static partial Regex Ansi();

    private sealed class Activity(int type, string? name)
    {
        public int Type { get; } = type;

        public string? Name { get; } = name;

        public long Done { get; set; }

        public long Expected { get; set; }
    }
}

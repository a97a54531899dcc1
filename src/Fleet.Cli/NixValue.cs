using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fleet.Cli;

/// <summary>
/// A JSON value as a Nix user wrote it: strings in double quotes with Nix's escapes, lists
/// `[ a b ]`, attribute sets `{ a = 1; }`. Sensitive markers and references read as what they mean.
/// </summary>
internal static partial class NixValue
{
    private static readonly HashSet<string> s_keywords = ["assert", "else", "if", "in", "inherit", "let", "or", "rec", "then", "with"];

    /// <summary>The value in Nix syntax; past <paramref name="limit"/> characters it is cut with `…`, and a multi-line string says how many lines it has.</summary>
    public static string Show(JsonElement value, int limit = int.MaxValue)
    {
        var text = new StringBuilder();
        Write(text, value);
        var lines = value.ValueKind == JsonValueKind.String ? LineCount(value.GetString()!) : 1;
        var shown = text.Length <= limit ? text.ToString() : string.Concat(text.ToString().AsSpan(0, Math.Max(1, limit - 1)), "…");
        return lines > 1 && text.Length > limit ? $"{shown} ({lines.ToString(CultureInfo.InvariantCulture)} lines)" : shown;
    }

    /// <summary>Whether the value is, or holds, a reference to another resource's output (`{"$ref": ...}`).</summary>
    public static bool HasReference(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.TryGetProperty("$ref", out _) || value.EnumerateObject().Any(p => HasReference(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Any(HasReference),
        _ => false,
    };

    /// <summary>The resources a value refers to, in order of appearance.</summary>
    public static IEnumerable<string> References(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (value.TryGetProperty("$ref", out var target) && target.ValueKind == JsonValueKind.String)
            {
                yield return target.GetString()!;
                yield break;
            }

            foreach (var inner in value.EnumerateObject().SelectMany(p => References(p.Value)))
            {
                yield return inner;
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var inner in value.EnumerateArray().SelectMany(References))
            {
                yield return inner;
            }
        }
    }

    private static void Write(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                WriteString(text, value.GetString()!);
                break;
            case JsonValueKind.Array:
                text.Append('[');
                foreach (var item in value.EnumerateArray())
                {
                    text.Append(' ');
                    Write(text, item);
                }

                text.Append(" ]");
                break;
            case JsonValueKind.Object when value.TryGetProperty("$sensitive", out _):
                text.Append("(sensitive value)");
                break;
            case JsonValueKind.Object when value.TryGetProperty("$ref", out var target):
                text.Append("(known after apply: ").Append(target.ToString())
                    .Append(value.TryGetProperty("output", out var o) ? "." + o : "").Append(')');
                break;
            case JsonValueKind.Object:
                text.Append('{');
                foreach (var field in value.EnumerateObject())
                {
                    text.Append(' ');
                    WriteName(text, field.Name);
                    text.Append(" = ");
                    Write(text, field.Value);
                    text.Append(';');
                }

                text.Append(" }");
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }

    /// <summary>An attribute name: bare when Nix reads it as an identifier, else quoted.</summary>
    public static void WriteName(StringBuilder text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Identifier().IsMatch(name) && !s_keywords.Contains(name))
        {
            text.Append(name);
        }
        else
        {
            WriteString(text, name);
        }
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '$' when i + 1 < value.Length && value[i + 1] == '{':
                    text.Append("\\$");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }

    private static int LineCount(string value) => value.TrimEnd('\n').Count(c => c == '\n') + 1;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_'-]*$")]
    private static partial Regex Identifier();
}

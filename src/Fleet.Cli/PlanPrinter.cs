using System.Text;
using System.Text.Json;
using Fleet.Engine.Planning;
using Fleet.Protocol;

namespace Fleet.Cli;

/// <summary>
/// Renders a plan the way Terraform users read them: +, ~, -/+, - and field diffs, values as Nix
/// writes them. By default only what an operator decides on (<see cref="PlanFields"/>); verbose
/// shows every field, every output known only after apply, and values uncut.
/// </summary>
internal static class PlanPrinter
{
    private const int MaxValue = 100;

    /// <param name="verbose">Every field and output (`--verbose`).</param>
    /// <param name="listFailures">Whether to list the resources that cannot be planned (apply lists them in its summary instead).</param>
    public static string Render(Plan plan, bool verbose = false, bool listFailures = true)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new StringBuilder();
        foreach (var change in plan.Changes.Where(c => c.IsChange))
        {
            AppendChange(text, change, verbose);
        }

        if (listFailures)
        {
            foreach (var (id, error) in plan.Failures)
            {
                text.Append("  ! ").Append(id).Append(" cannot be planned: ").Append(verbose ? error : FirstLine(error)).Append('\n');
            }
        }

        foreach (var id in plan.Skipped)
        {
            text.Append("  ! ").Append(id).Append(" not planned: something it depends on cannot be planned\n");
        }

        text.Append(Summary(plan)).Append('\n');
        return text.ToString();
    }

    /// <summary>The last line: counts, and never "No changes" when some resources could not be planned.</summary>
    public static string Summary(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.IsComplete)
        {
            return plan.HasChanges ? plan.Summary : "No changes: the fleet matches its configuration.";
        }

        var unplanned = plan.Skipped.IsEmpty ? "" : $", {plan.Skipped.Length} not planned";
        return $"{plan.Summary.TrimEnd('.')}, {plan.Failures.Count} cannot be planned{unplanned}. The plan is incomplete.";
    }

    private static void AppendChange(StringBuilder text, PlannedChange change, bool verbose)
    {
        var lines = new List<string>();
        switch (change.Action)
        {
            case PlanAction.Create:
                foreach (var field in Fields(change.DesiredInputs).Where(f => verbose || PlanFields.ShowOnCreate(change.Type, f.Name, f.Value)))
                {
                    lines.Add($"      + {field.Name} = {Show(field.Value, verbose)}");
                }

                break;
            case PlanAction.Update or PlanAction.Replace:
                lines.AddRange(ChangedFieldLines(change, verbose));
                break;
            case PlanAction.Delete when verbose:
                foreach (var field in Fields(change.PriorInputs))
                {
                    lines.Add($"      - {field.Name} = {Show(field.Value, verbose)}");
                }

                break;
            default:
                break;
        }

        text.Append(Symbol(change.Action)).Append(' ').Append(change.Id).Append(" (").Append(change.Type).Append(')');
        if (change.Action == PlanAction.Replace)
        {
            text.Append(" must be replaced");
        }

        if ((change.Reason ?? (lines.Count == 0 ? FollowedChanges(change) : null)) is { } reason)
        {
            text.Append(" — ").Append(reason);
        }

        text.Append('\n');
        // What a change of a node's system does there: closure diff, reboot, units.
        SystemChangeText.Append(text, change.System);
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        if (verbose)
        {
            foreach (var output in change.UnknownOutputs)
            {
                text.Append("        ").Append(output).Append(" = (known after apply)\n");
            }
        }
    }

    /// <summary>
    /// `~ field: before -> after` for each changed field; a field whose new value depends on a
    /// resource changing in this run is "(known after apply)", the one place that says something.
    /// </summary>
    private static IEnumerable<string> ChangedFieldLines(PlannedChange change, bool verbose)
    {
        foreach (var name in change.ChangedFields)
        {
            var before = Field(change.PriorInputs, name);
            var after = Field(change.DesiredInputs, name);
            if (!verbose && (PlanFields.IsInternal(change.Type, name) || (before is null && after is null)))
            {
                continue;
            }

            if (!verbose && after is { } a && NixValue.HasReference(a))
            {
                yield return $"      ~ {name}: (known after apply)";
                continue;
            }

            foreach (var (path, b, x) in Differences(name, before, after))
            {
                if (b is { } sb && x is { } sx && IsSensitive(sb) && IsSensitive(sx))
                {
                    yield return $"      ~ {path}: (sensitive value changed)";
                    continue;
                }

                yield return $"      ~ {path}: {(b is { } shownBefore ? Show(shownBefore, verbose) : "(none)")} -> {(x is { } shownAfter ? Show(shownAfter, verbose) : "(none)")}";
            }
        }
    }

    /// <summary>
    /// Where two values differ, down to the leaves: `healthChecks[0].retries: 10 -> 5`, not both
    /// whole lists. References and sensitive values are leaves.
    /// </summary>
    private static IEnumerable<(string Path, JsonElement? Before, JsonElement? After)> Differences(string path, JsonElement? before, JsonElement? after)
    {
        if (before is { } b && after is { } a && IsPlainObject(b) && IsPlainObject(a))
        {
            var names = a.EnumerateObject().Select(p => p.Name).Concat(b.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var (inner, outer) = (Field(b, name), Field(a, name));
                if (inner is null || outer is null || !JsonElement.DeepEquals(inner.Value, outer.Value))
                {
                    var key = new StringBuilder(path).Append('.');
                    NixValue.WriteName(key, name);
                    foreach (var difference in Differences(key.ToString(), inner, outer))
                    {
                        yield return difference;
                    }
                }
            }

            yield break;
        }

        if (before is { ValueKind: JsonValueKind.Array } bl && after is { ValueKind: JsonValueKind.Array } al && bl.GetArrayLength() == al.GetArrayLength())
        {
            for (var i = 0; i < al.GetArrayLength(); i++)
            {
                if (!JsonElement.DeepEquals(bl[i], al[i]))
                {
                    foreach (var difference in Differences($"{path}[{i}]", bl[i], al[i]))
                    {
                        yield return difference;
                    }
                }
            }

            yield break;
        }

        yield return (path, before, after);
    }

    private static bool IsSensitive(JsonElement value) => value.ValueKind == JsonValueKind.Object && value.TryGetProperty("$sensitive", out _);

    private static bool IsPlainObject(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && !value.TryGetProperty("$ref", out _) && !value.TryGetProperty("$sensitive", out _);

    /// <summary>Why an update whose changed fields are all plumbing happens: the resources it refers to change.</summary>
    private static string? FollowedChanges(PlannedChange change)
    {
        var referenced = change.ChangedFields
            .Select(name => Field(change.DesiredInputs, name))
            .OfType<JsonElement>()
            .SelectMany(NixValue.References)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return referenced.Count == 0 ? null : $"{string.Join(", ", referenced)} {(referenced.Count == 1 ? "changes" : "change")}";
    }

    private static string Symbol(PlanAction action) => action switch
    {
        PlanAction.Create => "  +",
        PlanAction.Update => "  ~",
        PlanAction.Replace => "-/+",
        PlanAction.Delete => "  -",
        _ => "   ",
    };

    private static JsonProperty[] Fields(JsonElement? inputs) =>
        inputs is { ValueKind: JsonValueKind.Object } i ? [.. i.EnumerateObject()] : [];

    private static JsonElement? Field(JsonElement? inputs, string name) =>
        inputs is { ValueKind: JsonValueKind.Object } i && i.TryGetProperty(name, out var v) ? v : null;

    private static string Show(JsonElement value, bool verbose) => NixValue.Show(value, verbose ? int.MaxValue : MaxValue);

    private static string FirstLine(string text) =>
        text.IndexOf('\n', StringComparison.Ordinal) is var end and >= 0 ? string.Concat(text.AsSpan(0, end).TrimEnd(), " …") : text;
}

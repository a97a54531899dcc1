using System.Text;
using System.Text.Json;
using Fleet.Engine.Planning;
using Fleet.Protocol;

namespace Fleet.Cli;

/// <summary>Renders a plan the way Terraform users read them: +, ~, -/+, - and field diffs.</summary>
internal static class PlanPrinter
{
    private const int MaxValue = 100;

    public static string Render(Plan plan)
    {
        var text = new StringBuilder();
        foreach (var change in plan.Changes.Where(c => c.IsChange))
        {
            text.Append(Symbol(change.Action)).Append(' ').Append(change.Id).Append(" (").Append(change.Type).Append(')');
            if (change.Action == PlanAction.Replace)
            {
                text.Append(" must be replaced");
            }

            if (change.Reason is { } reason)
            {
                text.Append(" — ").Append(reason);
            }

            text.Append('\n');
            SystemChangeText.Append(text, change.System);
            switch (change.Action)
            {
                case PlanAction.Create:
                    foreach (var field in Fields(change.DesiredInputs))
                    {
                        text.Append("      + ").Append(field.Name).Append(" = ").Append(Show(field.Value)).Append('\n');
                    }

                    break;
                case PlanAction.Update or PlanAction.Replace:
                    foreach (var name in change.ChangedFields)
                    {
                        var before = Field(change.PriorInputs, name);
                        var after = Field(change.DesiredInputs, name);
                        text.Append("      ~ ").Append(name).Append(": ")
                            .Append(before is { } b ? Show(b) : "(none)").Append(" -> ")
                            .Append(after is { } a ? Show(a) : "(none)").Append('\n');
                    }

                    break;
                default:
                    break;
            }

            foreach (var output in change.UnknownOutputs)
            {
                text.Append("        ").Append(output).Append(" = (known after apply)\n");
            }
        }

        foreach (var (id, error) in plan.Failures)
        {
            text.Append("  ! ").Append(id).Append(" cannot be planned: ").Append(error).Append('\n');
        }

        foreach (var id in plan.Skipped)
        {
            text.Append("  ! ").Append(id).Append(" not planned: something it depends on cannot be planned\n");
        }

        text.Append(plan.HasChanges ? plan.Summary : "No changes: the fleet matches its configuration.").Append('\n');
        return text.ToString();
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

    /// <summary>A value as JSON, with references and sensitive markers shown by what they mean.</summary>
    private static string Show(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (value.TryGetProperty("$sensitive", out _))
            {
                return "(sensitive value)";
            }

            if (value.TryGetProperty("$ref", out var target))
            {
                return $"(known after apply: {target.GetString()}.{(value.TryGetProperty("output", out var o) ? o.GetString() : "?")})";
            }
        }

        var raw = value.GetRawText();
        return raw.Length <= MaxValue ? raw : string.Concat(raw.AsSpan(0, MaxValue - 1), "…");
    }
}

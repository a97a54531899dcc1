using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>`plan` request: prior state (null when the resource is new) and the desired inputs.</summary>
public sealed record PlanParams(
    string Id,
    string Type,
    JsonElement? PriorInputs,
    JsonElement? PriorOutputs,
    JsonElement DesiredInputs);

using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>`plan` request: prior state (null when the resource is new) and the desired inputs.</summary>
/// <param name="Detailed">
/// `fleet plan --detailed`: the provider may do slower work that changes nothing the resource is
/// (build a system, copy it to its node) to say more about the change.
/// </param>
public sealed record PlanParams(
    string Id,
    string Type,
    JsonElement? PriorInputs,
    JsonElement? PriorOutputs,
    JsonElement DesiredInputs,
    bool Detailed = false);

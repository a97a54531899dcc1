using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>`plan` request: prior state (null when the resource is new) and the desired inputs.</summary>
/// <param name="Describe">
/// `fleet plan`: say what the change does (<see cref="PlanResult.System"/>) from what is at hand;
/// false when apply plans (it shows nothing of it), so the provider may skip that work.
/// </param>
/// <param name="Detailed">
/// `fleet plan --detailed` (implies <paramref name="Describe"/>): the provider may do slower work
/// that changes nothing the resource is (build a system, copy it to its node) to say more.
/// </param>
public sealed record PlanParams(
    string Id,
    string Type,
    JsonElement? PriorInputs,
    JsonElement? PriorOutputs,
    JsonElement DesiredInputs,
    bool Describe = false,
    bool Detailed = false);

namespace Fleet.Engine.Apply;

/// <summary>Kinds of events a run emits (schemas/events.schema.json spells them in kebab-case).</summary>
public enum FleetEventKind
{
    RunStarted,
    ResourceStarted,
    Log,
    Progress,
    ResourceFinished,
    RunFinished,
}

namespace Shiming.Hosting;

/// <summary>A function as the Functions host sees it: a folder with a <c>function.json</c>.</summary>
public abstract record FunctionDefinition(string Name);

/// <summary>
/// An HTTP function. The host forwards the request unchanged to <c>/api/{Route}</c>, so the same
/// route is an ordinary endpoint of the app.
/// </summary>
public sealed record HttpFunctionDefinition(string Name, string Route, IReadOnlyList<string> Methods) : FunctionDefinition(Name);

/// <summary>
/// A timer function: a six-field NCRONTAB schedule (with seconds, UTC). Under the host it arrives as
/// <c>POST /{Name}</c>; standalone, the app runs it on the same schedule itself.
/// </summary>
public sealed record TimerFunctionDefinition(string Name, string Schedule, Type Implementation) : FunctionDefinition(Name);

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.Http;

/// <summary>What a request's path and method found among the HTTP-triggered functions.</summary>
internal abstract record RouteMatch
{
    public sealed record Found(FunctionDescription Function, RouteValueDictionary Values) : RouteMatch;

    public sealed record MethodNotAllowed(IReadOnlyList<string> Allowed) : RouteMatch;

    public sealed record NotFound : RouteMatch;
}

/// <summary>The HTTP routes of the worker's functions: route prefix plus each trigger's route (its name when it has
/// none), constraints included, the more specific template first, as ASP.NET Core routing orders them.</summary>
internal sealed class RouteTable
{
    private readonly IReadOnlyList<Entry> _entries;

    public RouteTable(IEnumerable<FunctionDescription> functions, string routePrefix, ParameterPolicyFactory policies)
    {
        var entries = new List<Entry>();
        foreach (var function in functions.Where(f => string.Equals(f.TriggerType, "httpTrigger", StringComparison.OrdinalIgnoreCase)))
        {
            var route = function.TriggerProperty("route") ?? function.Name;
            var template = string.Join('/', new[] { routePrefix, route.Trim('/') }.Where(s => s.Length > 0));
            var pattern = RoutePatternFactory.Parse(template);
            var methods = function.Trigger?["methods"]?.AsArray().Select(m => m!.ToString().ToUpperInvariant()).ToArray();
            var constraints = pattern.Parameters
                .SelectMany(p => p.ParameterPolicies.Select(r => (p.Name, Policy: policies.Create(p, r))))
                .Where(c => c.Policy is IRouteConstraint)
                .Select(c => (c.Name, Constraint: (IRouteConstraint)c.Policy))
                .ToArray();
            var routeTemplate = new RouteTemplate(pattern);
            entries.Add(new Entry(
                function,
                new TemplateMatcher(routeTemplate, new RouteValueDictionary(pattern.Defaults)),
                methods is { Length: > 0 } ? methods : null,
                constraints,
                RoutePrecedence.ComputeInbound(routeTemplate)));
        }

        _entries = [.. entries.OrderBy(e => e.Precedence)];
    }

    public RouteMatch Match(HttpContext context)
    {
        var allowed = new List<string>();
        foreach (var entry in _entries)
        {
            var values = new RouteValueDictionary();
            if (!entry.Matcher.TryMatch(context.Request.Path, values)
                || !entry.Constraints.All(c => c.Constraint.Match(context, null, c.Name, values, RouteDirection.IncomingRequest)))
            {
                continue;
            }

            if (entry.Methods is null || entry.Methods.Contains(context.Request.Method.ToUpperInvariant()))
            {
                return new RouteMatch.Found(entry.Function, values);
            }

            allowed.AddRange(entry.Methods);
        }

        return allowed.Count > 0 ? new RouteMatch.MethodNotAllowed([.. allowed.Distinct()]) : new RouteMatch.NotFound();
    }

    private sealed record Entry(
        FunctionDescription Function,
        TemplateMatcher Matcher,
        string[]? Methods,
        (string Name, IRouteConstraint Constraint)[] Constraints,
        decimal Precedence);
}

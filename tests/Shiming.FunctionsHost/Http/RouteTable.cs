using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Azure.WebJobs.Extensions.Http;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.Http;

/// <summary>
/// The HTTP routes of the worker's functions, built as the host's <c>WebScriptHostHttpRoutesManager</c> builds them with
/// the Http extension's <see cref="WebJobsRouteBuilder"/>: route prefix plus each trigger's route (its name when it has
/// none), the trigger's methods as an <see cref="HttpMethodRouteConstraint"/>, in function order. The first route that
/// matches wins; a path whose routes all refuse the method matches none, so it is a 404 as in the host, not a 405.
/// </summary>
internal sealed class RouteTable
{
    private readonly IRouter? _router;
    private readonly IReadOnlyDictionary<string, FunctionDescription> _functions;

    public RouteTable(IEnumerable<FunctionDescription> functions, string routePrefix, IInlineConstraintResolver constraints)
    {
        var http = functions.Where(f => string.Equals(f.TriggerType, "httpTrigger", StringComparison.OrdinalIgnoreCase)).ToArray();
        _functions = http.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var builder = new WebJobsRouter(constraints).CreateBuilder(new MatchOnly(), routePrefix);
        foreach (var function in http)
        {
            var routeConstraints = new RouteValueDictionary();
            if (function.Trigger?["methods"]?.AsArray().Select(m => m!.ToString()).ToArray() is { Length: > 0 } methods)
            {
                routeConstraints.Add("httpMethod", new HttpMethodRouteConstraint(methods));
            }

            var route = function.TriggerProperty("route") is { Length: > 0 } template ? template : function.Name;
            builder.MapFunctionRoute(function.Name, route, routeConstraints, function.Name);
        }

        _router = builder.Count > 0 ? builder.Build() : null;
    }

    /// <summary>The function the request's path and method select, with its route values; null when none does.</summary>
    public async Task<(FunctionDescription Function, RouteValueDictionary Values)?> MatchAsync(HttpContext context)
    {
        if (_router is null)
        {
            return null;
        }

        var route = new RouteContext(context);
        await _router.RouteAsync(route).ConfigureAwait(false);
        if (route.Handler is null
            || route.RouteData.DataTokens[HttpExtensionConstants.FunctionNameRouteTokenKey] is not string name
            || !_functions.TryGetValue(name, out var function))
        {
            return null;
        }

        var values = new RouteValueDictionary(route.RouteData.Values);
        values.Remove("httpMethod");
        return (function, values);
    }

    // The route's handler is not run: the forwarder takes the match and forwards the request itself.
    private sealed class MatchOnly : IWebJobsRouteHandler
    {
        public Task InvokeAsync(HttpContext context, string functionName) => Task.CompletedTask;
    }
}

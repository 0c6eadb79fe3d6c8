namespace Shiming.Hosting;

public static class FunctionEndpointExtensions
{
    /// <summary>
    /// Maps <paramref name="handler"/> at the function's route and methods, named after the function,
    /// so that the endpoint and the generated <c>function.json</c> describe the same thing.
    /// </summary>
    public static RouteHandlerBuilder MapFunction(this IEndpointRouteBuilder endpoints, HttpFunctionDefinition function, Delegate handler) =>
        endpoints.MapMethods(function.Route, function.Methods, handler)
            .WithName(function.Name)
            .WithMetadata(function);
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Shiming.Api;
using Microsoft.Azure.Functions.Worker;
using Shiming.IdCards;
using Shiming.Jobs;

namespace Shiming.Patients;

/// <summary>What the patient functions need.</summary>
public sealed record PatientServices(PatientRoster Roster, PatientSources Sources, PublicUrls Urls, ILogger<PatientRoster> Logger);

/// <summary>The account's roster of up to five patients, each registered from a completed verification.</summary>
[Tags("Patients")]
public sealed class PatientFunctions(PatientServices services)
{
    private const int MaxBodyBytes = 4 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Function(nameof(ListPatients))]
    [EndpointSummary("The account's patients, names and ID numbers partly hidden.")]
    public async Task<Ok<PatientSummary[]>> ListPatients(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients")] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok((await services.Roster.ListAsync(CallerAccount.Of(request).Key, cancellationToken)).Select(p => p.ToSummary()).ToArray());

    [Function(nameof(GetPatient))]
    [EndpointSummary("One patient, names and ID numbers partly hidden.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<PatientSummary>, ProblemHttpResult>> GetPatient(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        (await services.Roster.ListAsync(CallerAccount.Of(request).Key, cancellationToken)).FirstOrDefault(p => p.Id == id) is { } patient
            ? TypedResults.Ok(patient.ToSummary())
            : PatientNotFound();

    [Function(nameof(AddPatient))]
    [EndpointSummary("Register a patient from a completed verification of the front of an ID card, or from a matched identity check.")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    public async Task<Results<Created<PatientSummary>, ProblemHttpResult>> AddPatient(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "patients")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = CallerAccount.Of(request);
        var body = await ReadRequestAsync(request, cancellationToken);
        var source = body switch
        {
            { VerificationId: { Length: > 0 } verificationId, IdentityCheckId: null } => await services.Sources.FromVerificationAsync(caller.Key, verificationId, cancellationToken),
            { IdentityCheckId: { Length: > 0 } identityCheckId, VerificationId: null } => await services.Sources.FromIdentityCheckAsync(caller.Key, identityCheckId, cancellationToken),
            _ => default,
        };
        if (source is { Card: null, Problem: null })
        {
            return Problems.BadRequest("malformed_request", "The request body could not be read.",
                "Send JSON like {\"verificationId\": \"…\"} with the id of a completed verification of the front of an ID card, or {\"identityCheckId\": \"…\"} with the id of a matched identity check.");
        }

        if (source.Card is not { } card)
        {
            return source.Problem!;
        }

        switch (await services.Roster.AddAsync(caller.Key, card, cancellationToken))
        {
            case AddPatientOutcome.Added added:
                Log.PatientAdded(services.Logger, added.Patient.Id, card.VerificationId);
                return TypedResults.Created(services.Urls.Absolute(request, $"/api/patients/{added.Patient.Id}"), added.Patient.ToSummary());
            case AddPatientOutcome.AlreadyListed:
                return Problems.Create(StatusCodes.Status409Conflict, "patient_already_listed", "This person is already a patient of this account.",
                    "The same ID number is already on the list; there is no need to add it again.");
            default:
                return Problems.Create(StatusCodes.Status409Conflict, "roster_full", "This account already has five patients.",
                    $"An account can register at most {PatientOptions.MaxPatientsPerAccount} patients. Remove one before adding another.");
        }
    }

    [Function(nameof(RemovePatient))]
    [EndpointSummary("Remove a patient from the account.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<NoContent, ProblemHttpResult>> RemovePatient(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "patients/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!await services.Roster.RemoveAsync(CallerAccount.Of(request).Key, id, cancellationToken))
        {
            return PatientNotFound();
        }

        Log.PatientRemoved(services.Logger, id);
        return TypedResults.NoContent();
    }

    private static async Task<AddPatientRequest?> ReadRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes || !request.HasJsonContentType())
        {
            return null;
        }

        try
        {
            return await BoundedBody.ReadAsync(request.BodyReader, MaxBodyBytes, cancellationToken) is { } body
                ? JsonSerializer.Deserialize<AddPatientRequest>(body, Json)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ProblemHttpResult PatientNotFound() => Problems.Create(StatusCodes.Status404NotFound, "patient_not_found", "No such patient.",
        "There is no patient with this id for your account; it may have been removed already.");
}

namespace Shiming.Patients;

internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Patient {PatientId} added from verification {VerificationId}")]
    public static partial void PatientAdded(ILogger logger, string patientId, string verificationId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Patient {PatientId} removed")]
    public static partial void PatientRemoved(ILogger logger, string patientId);
}

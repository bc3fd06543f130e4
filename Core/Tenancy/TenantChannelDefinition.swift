/// A channel account listed under `channels:` in a tenant file. Secrets never appear in the file: each names the
/// environment variable that holds it (`secrets_env`), read when the file is applied.
public struct TenantChannelDefinition: Sendable, Equatable {
    /// `whatsapp`, `instagram` or `webchat`.
    public var kind: String
    public var name: String
    /// The WhatsApp phone number id or Instagram account id.
    public var externalID: String?
    /// Non-secret settings (`waba_id`, `display_phone_number`, `api_base_url`); a value `${NAME}` is read from the
    /// environment.
    public var settings: [String: String]
    /// Secret name (`access_token`, `app_secret`, `verify_token`) to environment variable name.
    public var secretsEnv: [String: String]

    public init(kind: String, name: String, externalID: String?, settings: [String: String], secretsEnv: [String: String]) {
        self.kind = kind
        self.name = name
        self.externalID = externalID
        self.settings = settings
        self.secretsEnv = secretsEnv
    }
}

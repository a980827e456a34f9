import * as path from "path";
import {
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  PgBackend,
  PgBackendConfig,
  RemoteBackend,
  S3Backend,
  TerraformBackend,
  TerraformStack,
} from "cdktf";
import type { ResolvedBackend } from "../config/schema";

/**
 * Adds the configured state backend to a stack. No backend argument ever holds a secret: terraform
 * reads PG_CONN_STR / PGPASSWORD, AWS_* and TF_TOKEN_<host> from its own environment.
 */
export function addBackend(stack: TerraformStack, backend: ResolvedBackend): TerraformBackend {
  switch (backend.type) {
    case "local":
      // terraform runs in cdktf.out/stacks/<stack>, so a relative path would move with the outdir.
      return new LocalBackend(stack, { path: path.resolve(backend.path) });
    case "pg": {
      // cdktf types connStr as required, but the pg backend falls back to PG_CONN_STR when it is absent.
      const config = {
        schemaName: backend.schemaName,
        ...(backend.connStr ? { connStr: backend.connStr } : {}),
      } as PgBackendConfig;
      return new PgBackend(stack, config);
    }
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: backend.key,
        region: backend.region,
        encrypt: backend.encrypt,
        dynamodbTable: backend.dynamodbTable,
      });
      // Without a DynamoDB table an S3 state would be unlocked; cdktf 0.21 predates S3's own lock file (Terraform >= 1.10).
      if (!backend.dynamodbTable) s3.addOverride("use_lockfile", true);
      return s3;
    }
    case "remote":
      return new RemoteBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: { name: backend.workspace },
      });
    case "cloud":
      return new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(backend.workspace),
      });
  }
}

//! `fermyon:spin/redis@2.0.0` for guests.

use redis::{AsyncCommands as _, Value};
use wasmtime::component::Resource;

use super::{ConnectError, RedisConnection, address_parts};
use crate::bindings::redis::{Error, Host, HostConnection, Payload, RedisParameter, RedisResult};
use crate::runtime::InstanceState;

type Outcome<T> = wasmtime::Result<Result<T, Error>>;

/// A failed command: the server's or the network's fault, reported to the guest.
fn other(e: redis::RedisError) -> Error {
    Error::Other(e.to_string())
}

impl InstanceState {
    fn redis(
        &self,
        conn: &Resource<RedisConnection>,
    ) -> wasmtime::Result<redis::aio::ConnectionManager> {
        // An unknown handle is a broken host invariant (the guest cannot forge one): trap.
        Ok(self.table.get(conn)?.conn.clone())
    }
}

impl Host for InstanceState {}

impl HostConnection for InstanceState {
    async fn open(&mut self, address: String) -> Outcome<Resource<RedisConnection>> {
        let Some((scheme, host, port)) = address_parts(&address) else {
            return Ok(Err(Error::InvalidAddress));
        };
        if !self.component.outbound.allows(&scheme, &host, port) {
            // Spin reports a denied address as `invalid-address`; the log says why.
            tracing::warn!(component = %self.component.id, %host, "redis address denied: not in allowed_outbound_hosts");
            return Ok(Err(Error::InvalidAddress));
        }
        let conn = match self.services.redis.get(&address).await {
            Ok(conn) => conn,
            Err(ConnectError::InvalidAddress) => return Ok(Err(Error::InvalidAddress)),
            Err(ConnectError::Unavailable(reason)) => {
                tracing::warn!(component = %self.component.id, %host, %reason, "redis unavailable");
                return Ok(Err(Error::Other(format!("redis unavailable: {reason}"))));
            }
        };
        Ok(Ok(self.table.push(RedisConnection { conn })?))
    }

    async fn publish(
        &mut self,
        conn: Resource<RedisConnection>,
        channel: String,
        payload: Payload,
    ) -> Outcome<()> {
        let mut c = self.redis(&conn)?;
        Ok(c.publish::<_, _, i64>(channel, payload)
            .await
            .map(drop)
            .map_err(other))
    }

    async fn get(
        &mut self,
        conn: Resource<RedisConnection>,
        key: String,
    ) -> Outcome<Option<Payload>> {
        let mut c = self.redis(&conn)?;
        Ok(c.get(key).await.map_err(other))
    }

    async fn set(
        &mut self,
        conn: Resource<RedisConnection>,
        key: String,
        value: Payload,
    ) -> Outcome<()> {
        let mut c = self.redis(&conn)?;
        Ok(c.set(key, value).await.map_err(other))
    }

    async fn incr(&mut self, conn: Resource<RedisConnection>, key: String) -> Outcome<i64> {
        let mut c = self.redis(&conn)?;
        Ok(c.incr(key, 1).await.map_err(other))
    }

    async fn del(&mut self, conn: Resource<RedisConnection>, keys: Vec<String>) -> Outcome<u32> {
        let mut c = self.redis(&conn)?;
        Ok(c.del(keys).await.map_err(other))
    }

    async fn sadd(
        &mut self,
        conn: Resource<RedisConnection>,
        key: String,
        values: Vec<String>,
    ) -> Outcome<u32> {
        let mut c = self.redis(&conn)?;
        Ok(c.sadd(key, values).await.map_err(|e| match e.kind() {
            redis::ErrorKind::TypeError => Error::TypeError,
            _ => other(e),
        }))
    }

    async fn smembers(
        &mut self,
        conn: Resource<RedisConnection>,
        key: String,
    ) -> Outcome<Vec<String>> {
        let mut c = self.redis(&conn)?;
        Ok(c.smembers(key).await.map_err(other))
    }

    async fn srem(
        &mut self,
        conn: Resource<RedisConnection>,
        key: String,
        values: Vec<String>,
    ) -> Outcome<u32> {
        let mut c = self.redis(&conn)?;
        Ok(c.srem(key, values).await.map_err(other))
    }

    async fn execute(
        &mut self,
        conn: Resource<RedisConnection>,
        command: String,
        arguments: Vec<RedisParameter>,
    ) -> Outcome<Vec<RedisResult>> {
        let mut c = self.redis(&conn)?;
        let mut cmd = redis::cmd(&command);
        for arg in arguments {
            match arg {
                RedisParameter::Int64(n) => cmd.arg(n),
                RedisParameter::Binary(bytes) => cmd.arg(bytes),
            };
        }
        let value: Value = match cmd.query_async(&mut c).await {
            Ok(value) => value,
            Err(e) => return Ok(Err(other(e))),
        };
        let mut out = Vec::new();
        Ok(flatten(value, &mut out).map(|()| out))
    }

    async fn drop(&mut self, conn: Resource<RedisConnection>) -> wasmtime::Result<()> {
        self.table.delete(conn)?;
        Ok(())
    }
}

/// Spin's shape for `execute` results: nested arrays flattened into one list.
fn flatten(value: Value, out: &mut Vec<RedisResult>) -> Result<(), Error> {
    match value {
        Value::Nil => out.push(RedisResult::Nil),
        Value::Int(n) => out.push(RedisResult::Int64(n)),
        Value::BulkString(bytes) => out.push(RedisResult::Binary(bytes)),
        Value::SimpleString(s) => out.push(RedisResult::Status(s)),
        Value::Okay => out.push(RedisResult::Status("OK".into())),
        Value::Double(d) => out.push(RedisResult::Binary(d.to_string().into_bytes())),
        Value::Boolean(b) => out.push(RedisResult::Int64(i64::from(b))),
        Value::BigNumber(n) => out.push(RedisResult::Binary(n.to_string().into_bytes())),
        Value::Array(items) | Value::Set(items) => {
            for item in items {
                flatten(item, out)?;
            }
        }
        Value::ServerError(e) => return Err(Error::Other(format!("{e:?}"))),
        other => return Err(Error::Other(format!("unsupported redis reply: {other:?}"))),
    }
    Ok(())
}

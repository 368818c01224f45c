//! Redis (`fermyon:spin/redis`) for sessions, sign-in counters and event publishing. The key
//! names come from the domain crate ([`redshop_user::session`], [`redshop_user::throttle`]);
//! this module only speaks the commands. Every failure is a storage error (internal).

use redshop_token::SessionRecord;
use redshop_user::error::UserError;
use redshop_user::session::{REFRESH_TTL_SECS, refresh_key, session_key, user_sessions_key};
use redshop_user::throttle::Counter;
use spin_sdk::redis::{Connection, RedisParameter, RedisResult};
use uuid::Uuid;

use crate::config::{REDIS_PREFIX_VARIABLE, REDIS_URL_VARIABLE};
use crate::error::ApiError;

pub struct Store {
    conn: Connection,
    pub prefix: String,
}

fn storage(what: &str) -> impl Fn(spin_sdk::redis::Error) -> UserError + '_ {
    move |e| UserError::Storage(format!("redis {what}: {e:?}"))
}

fn bin(s: &str) -> RedisParameter {
    RedisParameter::Binary(s.as_bytes().to_vec())
}

impl Store {
    pub fn open() -> Result<Self, ApiError> {
        let var = |name: &str| {
            spin_sdk::variables::get(name)
                .map_err(|e| ApiError::internal(format!("variable `{name}`: {e:?}")))
        };
        let conn = Connection::open(&var(REDIS_URL_VARIABLE)?)
            .map_err(|e| ApiError::internal(format!("open redis: {e:?}")))?;
        Ok(Self {
            conn,
            prefix: var(REDIS_PREFIX_VARIABLE)?,
        })
    }

    fn exec(
        &self,
        command: &str,
        args: Vec<RedisParameter>,
    ) -> Result<Vec<RedisResult>, UserError> {
        self.conn.execute(command, &args).map_err(storage(command))
    }

    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, UserError> {
        self.conn.get(key).map_err(storage("GET"))
    }

    pub fn del(&self, keys: Vec<String>) -> Result<u32, UserError> {
        self.conn.del(&keys).map_err(storage("DEL"))
    }

    /// `SET key value EX ttl [NX|XX]`; `true` when the value was written.
    pub fn set_ex(
        &self,
        key: &str,
        value: &str,
        ttl_secs: u64,
        condition: Option<&str>,
    ) -> Result<bool, UserError> {
        let mut args = vec![
            bin(key),
            bin(value),
            bin("EX"),
            RedisParameter::Int64(ttl(ttl_secs)),
        ];
        if let Some(c) = condition {
            args.push(bin(c));
        }
        Ok(matches!(
            self.exec("SET", args)?.first(),
            Some(RedisResult::Status(_))
        ))
    }

    pub fn exists(&self, key: &str) -> Result<bool, UserError> {
        Ok(
            matches!(self.exec("EXISTS", vec![bin(key)])?.first(), Some(RedisResult::Int64(n)) if *n > 0),
        )
    }

    // Sessions ----------------------------------------------------------------------------

    pub fn session(&self, sid: Uuid) -> Result<Option<SessionRecord>, UserError> {
        match self.get(&session_key(&self.prefix, sid))? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| UserError::Storage(format!("session {sid} JSON: {e}"))),
        }
    }

    /// Writes a new session with its refresh hash and indexes it under its user.
    pub fn create_session(
        &self,
        sid: Uuid,
        record: &SessionRecord,
        refresh_hash: &str,
    ) -> Result<(), UserError> {
        self.set_ex(
            &session_key(&self.prefix, sid),
            &json(record)?,
            REFRESH_TTL_SECS,
            None,
        )?;
        self.set_ex(
            &refresh_key(&self.prefix, sid),
            refresh_hash,
            REFRESH_TTL_SECS,
            None,
        )?;
        let index = user_sessions_key(&self.prefix, record.user_id);
        self.conn
            .sadd(&index, &[sid.to_string()])
            .map_err(storage("SADD"))?;
        self.exec(
            "EXPIRE",
            vec![bin(&index), RedisParameter::Int64(ttl(REFRESH_TTL_SECS))],
        )?;
        Ok(())
    }

    /// Replaces an existing session's record and refresh hash (`XX`: never recreates one that
    /// was revoked meanwhile). `false` when the session is gone.
    pub fn rotate_session(
        &self,
        sid: Uuid,
        record: &SessionRecord,
        refresh_hash: &str,
    ) -> Result<bool, UserError> {
        if !self.set_ex(
            &session_key(&self.prefix, sid),
            &json(record)?,
            REFRESH_TTL_SECS,
            Some("XX"),
        )? {
            return Ok(false);
        }
        self.set_ex(
            &refresh_key(&self.prefix, sid),
            refresh_hash,
            REFRESH_TTL_SECS,
            Some("XX"),
        )
    }

    /// Ends a session: its keys go, and it leaves its user's index.
    pub fn revoke(&self, user: Uuid, sid: Uuid) -> Result<bool, UserError> {
        let removed = self.del(vec![
            session_key(&self.prefix, sid),
            refresh_key(&self.prefix, sid),
        ])?;
        self.conn
            .srem(&user_sessions_key(&self.prefix, user), &[sid.to_string()])
            .map_err(storage("SREM"))?;
        Ok(removed > 0)
    }

    /// The user's session ids (some may have expired; [`Store::session`] tells).
    pub fn session_ids(&self, user: Uuid) -> Result<Vec<Uuid>, UserError> {
        let members = self
            .conn
            .smembers(&user_sessions_key(&self.prefix, user))
            .map_err(storage("SMEMBERS"))?;
        Ok(members
            .iter()
            .filter_map(|m| Uuid::parse_str(m).ok())
            .collect())
    }

    /// Forgets index entries whose session expired.
    pub fn forget(&self, user: Uuid, sids: &[Uuid]) -> Result<(), UserError> {
        if sids.is_empty() {
            return Ok(());
        }
        let members: Vec<String> = sids.iter().map(Uuid::to_string).collect();
        self.conn
            .srem(&user_sessions_key(&self.prefix, user), &members)
            .map_err(storage("SREM"))?;
        Ok(())
    }

    /// Revokes every session of `user` except `keep`; answers how many ended.
    pub fn revoke_all(&self, user: Uuid, keep: Option<Uuid>) -> Result<usize, UserError> {
        let mut ended = 0;
        for sid in self.session_ids(user)? {
            if Some(sid) != keep && self.revoke(user, sid)? {
                ended += 1;
            }
        }
        Ok(ended)
    }

    // Throttling --------------------------------------------------------------------------

    /// A counter's value and remaining TTL.
    pub fn counter(&self, key: &str) -> Result<Counter, UserError> {
        let count = match self.get(key)? {
            Some(bytes) => std::str::from_utf8(&bytes)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            None => return Ok(Counter::default()),
        };
        let ttl_secs = match self.exec("TTL", vec![bin(key)])?.first() {
            Some(RedisResult::Int64(n)) if *n > 0 => u64::try_from(*n).ok(),
            _ => None,
        };
        Ok(Counter { count, ttl_secs })
    }

    /// Counts one failure; the first one of a window starts the window.
    pub fn count_failure(&self, key: &str, window_secs: u64) -> Result<(), UserError> {
        let n = self.conn.incr(key).map_err(storage("INCR"))?;
        if n == 1 {
            self.exec(
                "EXPIRE",
                vec![bin(key), RedisParameter::Int64(ttl(window_secs))],
            )?;
        }
        Ok(())
    }

    // Events ------------------------------------------------------------------------------

    /// `PUBLISH channel payload`, answering how many subscribers received it.
    pub fn publish(&self, channel: &str, payload: &str) -> Result<i64, UserError> {
        match self
            .exec("PUBLISH", vec![bin(channel), bin(payload)])?
            .first()
        {
            Some(RedisResult::Int64(n)) => Ok(*n),
            other => Err(UserError::Storage(format!("PUBLISH answered {other:?}"))),
        }
    }

    pub fn ping(&self) -> Result<(), UserError> {
        self.exec("PING", vec![]).map(|_| ())
    }
}

fn ttl(secs: u64) -> i64 {
    i64::try_from(secs).unwrap_or(i64::MAX)
}

fn json(record: &SessionRecord) -> Result<String, UserError> {
    serde_json::to_string(record).map_err(|e| UserError::Storage(format!("session JSON: {e}")))
}

//! Redis, as the gateway uses it: opened on first use, and given up on for the rest of the
//! request after the first connection failure, so one request never waits out the connect
//! timeout twice. Every error is a `String` for the log; callers decide whether to fail
//! open or closed (docs/services/gateway.md, "When Redis is down").

use spin_sdk::redis::{Connection, RedisParameter, RedisResult};

/// The request's Redis handle.
pub struct Store {
    url: Option<String>,
    conn: Option<Connection>,
    down: Option<String>,
}

impl Store {
    pub fn new(url: Option<String>) -> Self {
        Self {
            url,
            conn: None,
            down: None,
        }
    }

    fn conn(&mut self) -> Result<&Connection, String> {
        if let Some(why) = &self.down {
            return Err(why.clone());
        }
        if self.conn.is_none() {
            let url = self
                .url
                .as_deref()
                .ok_or("the redis_url variable is not set")?;
            match Connection::open(url) {
                Ok(c) => self.conn = Some(c),
                Err(e) => {
                    let why = format!("redis open: {e}");
                    self.down = Some(why.clone());
                    return Err(why);
                }
            }
        }
        self.conn
            .as_ref()
            .ok_or_else(|| "redis connection missing".to_owned())
    }

    /// `EVAL script` with `keys` and `args`; the reply flattened as Spin returns it.
    pub fn eval(
        &mut self,
        script: &str,
        keys: &[String],
        args: &[String],
    ) -> Result<Vec<RedisResult>, String> {
        let mut params = vec![bin(script), RedisParameter::Int64(keys.len() as i64)];
        params.extend(keys.iter().map(|k| bin(k)));
        params.extend(args.iter().map(|a| bin(a)));
        self.conn()?
            .execute("EVAL", &params)
            .map_err(|e| format!("redis EVAL: {e}"))
    }

    pub fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String> {
        self.conn()?.get(key).map_err(|e| format!("redis GET: {e}"))
    }

    /// `SET key value EX secs`.
    pub fn set_ex(&mut self, key: &str, value: &[u8], secs: u64) -> Result<(), String> {
        let params = [
            bin(key),
            RedisParameter::Binary(value.to_vec()),
            bin("EX"),
            RedisParameter::Int64(i64::try_from(secs).unwrap_or(i64::MAX)),
        ];
        self.conn()?
            .execute("SET", &params)
            .map(drop)
            .map_err(|e| format!("redis SET: {e}"))
    }

    /// `SET key 1 NX EX secs`: whether this call set it (a throttle).
    pub fn set_nx_ex(&mut self, key: &str, secs: u64) -> Result<bool, String> {
        let params = [
            bin(key),
            bin("1"),
            bin("NX"),
            bin("EX"),
            RedisParameter::Int64(i64::try_from(secs).unwrap_or(i64::MAX)),
        ];
        let reply = self
            .conn()?
            .execute("SET", &params)
            .map_err(|e| format!("redis SET NX: {e}"))?;
        Ok(matches!(reply.first(), Some(RedisResult::Status(_))))
    }

    pub fn incr(&mut self, key: &str) -> Result<(), String> {
        self.conn()?
            .incr(key)
            .map(drop)
            .map_err(|e| format!("redis INCR: {e}"))
    }

    /// Whether Redis answers `PING`.
    pub fn ping(&mut self) -> bool {
        self.conn()
            .and_then(|c| c.execute("PING", &[]).map_err(|e| e.to_string()))
            .is_ok()
    }
}

fn bin(s: &str) -> RedisParameter {
    RedisParameter::Binary(s.as_bytes().to_vec())
}

/// An integer from a reply element (`INCR` counts come back as integers, `GET`s as bytes).
pub fn int(value: Option<&RedisResult>) -> Option<i64> {
    match value? {
        RedisResult::Int64(n) => Some(*n),
        RedisResult::Binary(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        RedisResult::Status(s) => s.parse().ok(),
        RedisResult::Nil => None,
    }
}

/// Bytes from a reply element; `None` for nil.
pub fn bytes(value: Option<&RedisResult>) -> Option<Vec<u8>> {
    match value? {
        RedisResult::Binary(b) => Some(b.clone()),
        RedisResult::Status(s) => Some(s.as_bytes().to_vec()),
        RedisResult::Int64(n) => Some(n.to_string().into_bytes()),
        RedisResult::Nil => None,
    }
}

//! Connections that cannot be held open for free: every accepted socket is wrapped so that
//! a read or a write making no progress for the idle timeout fails, and a connection older
//! than its lifetime takes no new request. An idle keep-alive connection, a request sent
//! one byte at a time, or a client that stops reading then costs at most those bounds, and
//! a shutdown never waits on them for long.
//!
//! This module knows sockets and timers only; it must not look at HTTP or the store.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// How long one connection may keep reading new requests, however active.
pub(crate) const LIFETIME: Duration = Duration::from_secs(10 * 60);

/// A TCP listener whose connections time out (see the module's doc).
pub(crate) struct TimedListener {
    pub inner: TcpListener,
    pub idle: Duration,
}

impl Listener for TimedListener {
    type Io = TimedIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TimedIo, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((s, addr)) => return (TimedIo::new(s, self.idle), addr),
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "Cannot accept a connection.");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// The client's address, for handlers (`ConnectInfo<Peer>`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, TimedListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TimedListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

/// A socket whose reads and writes fail after `idle` without progress.
pub(crate) struct TimedIo {
    inner: TcpStream,
    idle: Duration,
    ends: Instant,
    read_timer: Pin<Box<Sleep>>,
    read_armed: bool,
    write_timer: Pin<Box<Sleep>>,
    write_armed: bool,
}

impl TimedIo {
    fn new(inner: TcpStream, idle: Duration) -> TimedIo {
        let now = Instant::now();
        TimedIo {
            inner,
            idle,
            ends: now + LIFETIME,
            read_timer: Box::pin(tokio::time::sleep_until(now + idle)),
            read_armed: false,
            write_timer: Box::pin(tokio::time::sleep_until(now + idle)),
            write_armed: false,
        }
    }
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, format!("{what} made no progress"))
}

/// Arms `timer` on the first Pending, and reports whether it has fired.
fn expired(
    timer: &mut Pin<Box<Sleep>>,
    armed: &mut bool,
    idle: Duration,
    cx: &mut Context<'_>,
) -> bool {
    if !*armed {
        timer.as_mut().reset(Instant::now() + idle);
        *armed = true;
    }
    timer.as_mut().poll(cx).is_ready()
}

/// One poll of the inner stream, timed: a Pending arms `timer` and turns into a timeout
/// once it fires; any progress disarms it.
fn guarded<T>(
    poll: Poll<io::Result<T>>,
    timer: &mut Pin<Box<Sleep>>,
    armed: &mut bool,
    idle: Duration,
    cx: &mut Context<'_>,
    what: &str,
) -> Poll<io::Result<T>> {
    match poll {
        Poll::Pending => {
            if expired(timer, armed, idle, cx) {
                Poll::Ready(Err(timed_out(what)))
            } else {
                Poll::Pending
            }
        }
        ready => {
            *armed = false;
            ready
        }
    }
}

impl TimedIo {
    /// [`guarded`] with the write timer: every write-side poll goes through it.
    fn write_guarded<T>(
        &mut self,
        poll: Poll<io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        guarded(
            poll,
            &mut self.write_timer,
            &mut self.write_armed,
            self.idle,
            cx,
            "writing",
        )
    }
}

impl AsyncRead for TimedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if Instant::now() >= this.ends {
            return Poll::Ready(Err(timed_out("the connection's lifetime is over; reading")));
        }
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        guarded(
            poll,
            &mut this.read_timer,
            &mut this.read_armed,
            this.idle,
            cx,
            "reading",
        )
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.write_guarded(poll, cx)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.write_guarded(poll, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.write_guarded(poll, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

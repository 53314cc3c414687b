//! The binding against the real broker (RabbitMQ at 127.0.0.1:5672) with pika as the
//! foreign community. One test binary: [`support::shared_broker`] lets tests run side by
//! side, [`support::exclusive_broker`] (the broker-restart test) runs alone.

mod client_to_pika;
mod limits;
mod loss;
mod one_way;
mod peers;
mod pika_to_listener;
mod refusals;
mod support;
mod tls;

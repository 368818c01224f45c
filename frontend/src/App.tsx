import { BrowserRouter, Link, Navigate, Route, Routes } from "react-router-dom";
import { Layout, RequireUser } from "./components/Layout";
import { CartPage } from "./pages/CartPage";
import { Catalog } from "./pages/Catalog";
import { Checkout, Confirmation } from "./pages/Checkout";
import { Home } from "./pages/Home";
import { ProductPage } from "./pages/ProductPage";
import { ForgotPassword, Register, ResetPassword, SignIn } from "./pages/Auth";
import { AccountLayout, Addresses, Profile, Sessions } from "./pages/account/Account";
import { Notifications } from "./pages/account/Notifications";
import { OrderPage, Orders } from "./pages/account/Orders";
import { AdminLayout, AdminMailbox, AdminOrders, AdminProducts } from "./pages/admin/Admin";
import { SessionProvider } from "./session";

function NotFound() {
  return (
    <div className="py-10 text-center">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <Link to="/" className="mt-4 inline-block font-medium text-brand-700 underline">
        Go to the home page
      </Link>
    </div>
  );
}

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Home />} />
            <Route path="catalog" element={<Catalog />} />
            <Route path="products/:slug" element={<ProductPage />} />
            <Route path="cart" element={<CartPage />} />
            <Route path="signin" element={<SignIn />} />
            <Route path="register" element={<Register />} />
            <Route path="forgot-password" element={<ForgotPassword />} />
            <Route path="reset-password" element={<ResetPassword />} />
            <Route path="checkout" element={<RequireUser><Checkout /></RequireUser>} />
            <Route path="checkout/complete/:id" element={<RequireUser><Confirmation /></RequireUser>} />
            {/* Notification and email links use /orders/{id}. */}
            <Route path="orders" element={<RequireUser><Navigate to="/account/orders" replace /></RequireUser>} />
            <Route path="orders/:id" element={<RequireUser><AccountLayout /></RequireUser>}>
              <Route index element={<OrderPage />} />
            </Route>
            <Route path="account" element={<RequireUser><AccountLayout /></RequireUser>}>
              <Route index element={<Profile />} />
              <Route path="orders" element={<Orders />} />
              <Route path="orders/:id" element={<OrderPage />} />
              <Route path="notifications" element={<Notifications />} />
              <Route path="addresses" element={<Addresses />} />
              <Route path="sessions" element={<Sessions />} />
            </Route>
            <Route path="admin" element={<RequireUser admin><AdminLayout /></RequireUser>}>
              <Route index element={<Navigate to="/admin/products" replace />} />
              <Route path="products" element={<AdminProducts />} />
              <Route path="orders" element={<AdminOrders />} />
              <Route path="mailbox" element={<AdminMailbox />} />
            </Route>
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}
